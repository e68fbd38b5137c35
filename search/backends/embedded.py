"""Embedded backend: SQLite FTS5 over the analyzed token columns; no server.

BM25 with the shared field weights ranks the matches; facets are counted over
the filtered match set. Ranking adjustments common to both backends (exact
names first, village 代办 items beside their town item) live in the service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from ..models import SearchDocument
from .base import FACET_FIELDS, TOKEN_SOURCE, WEIGHTS, BackendResult, Hit, Query, SearchBackend

MAX_MATCHES = 500  # ranked matches handed to the shared re-ranking; facets count the same set
COLUMNS = ("title", "keywords", "body", "pinyin", "code")


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self) -> None:
        if connection.vendor != "sqlite":
            raise RuntimeError(
                "The embedded search backend needs SQLite (FTS5); with PostgreSQL set ELASTICSEARCH_URL."
            )

    def index(self, documents: Iterable[SearchDocument]) -> None:
        docs = list(documents)
        if not docs:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fulltext WHERE rowid = %s", [(d.pk,) for d in docs])
            cursor.executemany(
                "INSERT INTO search_fulltext (rowid, title, keywords, body, pinyin, code) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(d.pk, *(getattr(d, TOKEN_SOURCE[c]) for c in COLUMNS)) for d in docs],
            )

    def delete(self, doc_ids: Iterable[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fulltext WHERE rowid = %s", [(i,) for i in doc_ids])

    def rebuild(self, documents: Iterable[SearchDocument]) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fulltext")
            self.index(documents)

    def search(self, query: Query) -> BackendResult:
        terms = query.match_terms()
        if not terms:
            return BackendResult([], 0, {})
        match = " OR ".join(f'"{t}"' for t in terms)  # tokens are [a-z0-9 CJK] only; quoting is belt and braces
        weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
        where, params = ["search_fulltext MATCH %s", "d.root_path = %s"], [match, query.root_path]
        for name, value in query.filters.items():
            if name == "life_events":
                where.append("('|' || d.life_events || '|') LIKE %s")
                params.append(f"%|{value}|%")
            else:
                where.append(f"d.{name} = %s")
                params.append(value)
        sql = (
            f"SELECT d.id, -bm25(search_fulltext, {weights}) AS score, d.doc_type, d.category, d.life_events, "
            f"d.level, d.online FROM search_fulltext JOIN search_searchdocument d ON d.id = search_fulltext.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY score DESC LIMIT {MAX_MATCHES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        facets: dict[str, Counter] = {name: Counter() for name in FACET_FIELDS}
        for row in rows:
            values = dict(zip(FACET_FIELDS, row[2:], strict=True))
            for name, value in values.items():
                if name == "life_events":
                    facets[name].update(e for e in value.split("|") if e)
                elif value:
                    facets[name][value] += 1
        hits = [Hit(row[0], float(row[1])) for row in rows]
        return BackendResult(hits, len(rows), {k: dict(v.most_common()) for k, v in facets.items()})
