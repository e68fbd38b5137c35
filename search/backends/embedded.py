"""Embedded backend: SQLite FTS5 over the analyzed token columns; no server.

BM25 with the shared field weights ranks the matches; facets are counted over
the filtered match set. Ranking adjustments common to both backends (exact
names first, village 代办 items beside their town item) live in ``search.ranking``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from ..matching import AllOf, Expression, Term
from ..models import SearchDocument
from .base import MIN_TERMS, TOKEN_SOURCE, WEIGHTS, EmbeddedVariant, keep_selective

COLUMNS = ("title", "keywords", "body", "pinyin", "code")


class EmbeddedBackend(EmbeddedVariant):
    table = "search_fulltext"
    key = "rowid"

    def __init__(self) -> None:
        if connection.vendor != "sqlite":
            raise RuntimeError("EmbeddedBackend is the SQLite (FTS5) variant; use search.backends.embedded_backend()")

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

    def selective_terms(self, terms: list[str]) -> list[str]:
        if len(terms) <= MIN_TERMS:
            return terms
        marks = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_searchdocument")
            documents = cursor.fetchone()[0]
            cursor.execute(f"SELECT term, doc FROM search_vocabulary WHERE term IN ({marks})", terms)
            frequency = dict(cursor.fetchall())
        return keep_selective(terms, frequency, documents)

    def match(self, terms: list[str]) -> str:
        return " OR ".join(f'"{t}"' for t in terms)  # tokens are [a-z0-9 CJK] only; quoting is belt and braces

    def render(self, expression: Expression) -> str:
        """FTS5 query syntax: "t", "t"* for a prefix, AND and OR in brackets."""
        if isinstance(expression, Term):
            return f'"{expression.text}"' + ("*" if expression.prefix else "")
        joiner = " AND " if isinstance(expression, AllOf) else " OR "
        return "(" + joiner.join(self.render(item) for item in expression.items) + ")"

    def ranked_sql(self, depth: int) -> str:
        weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
        return (
            f"SELECT rowid, -bm25(search_fulltext, {weights}) AS score FROM search_fulltext "
            f"WHERE search_fulltext MATCH %s ORDER BY score DESC LIMIT {depth}"
        )
