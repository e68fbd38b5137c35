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
COMMON_SHARE = 0.2  # a term in more than this share of documents is left out while rarer terms remain
MIN_TERMS = 3
COLUMNS = ("title", "keywords", "body", "pinyin", "code")


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self) -> None:
        if connection.vendor != "sqlite":
            raise RuntimeError("EmbeddedBackend is the SQLite (FTS5) variant; use search.service.embedded_backend()")

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

    def selective_terms(self, terms: list[str]) -> list[str]:
        """Drop terms found in most documents: BM25 gives them almost no weight, and
        their long posting lists are most of the cost on a large index."""
        if len(terms) <= MIN_TERMS:
            return terms
        marks = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_searchdocument")
            documents = cursor.fetchone()[0] or 1
            cursor.execute(f"SELECT term, doc FROM search_vocabulary WHERE term IN ({marks})", terms)
            frequency = dict(cursor.fetchall())
        known = [t for t in terms if t in frequency]
        kept = [t for t in known if frequency[t] / documents <= COMMON_SHARE]
        if len(kept) < MIN_TERMS:
            kept = sorted(known, key=lambda t: frequency[t])[:MIN_TERMS]
        return kept

    def search(self, query: Query) -> BackendResult:
        terms = self.selective_terms(query.match_terms())
        if not terms:
            return BackendResult([], 0, {})
        match = " OR ".join(f'"{t}"' for t in terms)  # tokens are [a-z0-9 CJK] only; quoting is belt and braces
        weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
        where, params = ["d.root_path = %s"], [query.root_path]
        for name, value in query.filters.items():
            if name == "life_events":
                where.append("('|' || d.life_events || '|') LIKE %s")
                params.append(f"%|{value}|%")
            else:
                where.append(f"d.{name} = %s")
                params.append(value)
        # Rank inside FTS5 first and join only the best rows: joining every match
        # before the sort costs seconds at 100k documents. Filters need a deeper cut.
        depth = MAX_MATCHES * (10 if query.filters else 1)
        sql = (
            f"SELECT d.id, f.score, d.doc_type, d.category, d.life_events, d.level, d.online FROM "
            f"(SELECT rowid, -bm25(search_fulltext, {weights}) AS score FROM search_fulltext "
            f"WHERE search_fulltext MATCH %s ORDER BY score DESC LIMIT {depth}) AS f "
            f"JOIN search_searchdocument d ON d.id = f.rowid WHERE {' AND '.join(where)} "
            f"ORDER BY f.score DESC LIMIT {MAX_MATCHES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, *params])
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
