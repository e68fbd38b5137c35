"""Embedded backend on PostgreSQL: a weighted tsvector per document, GIN-indexed.

The same analyzed tokens as on SQLite; field weights map onto PostgreSQL's four
classes (title and code A, everyday words B, pinyin C, body D). ts_rank has no
inverse document frequency, so very common terms are left out of the query
(document frequencies from the same table), as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from ..matching import AllOf, Expression, Term
from ..models import SearchDocument
from .base import MIN_TERMS, EmbeddedVariant, keep_selective

CLASS_WEIGHTS = "{0.1, 0.3, 0.6, 1.0}"  # D body, C pinyin, B everyday words, A title and code
VECTOR = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'A') || "
    "setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'C') || "
    "setweight(to_tsvector('simple', %s), 'D')"
)


def _tsquery(terms: list[str]) -> str:
    """Lexemes quoted literally, so PostgreSQL's parser never re-splits them."""
    return " | ".join("'" + t.replace("'", "''").replace("\\", "") + "'" for t in terms)


class PostgresEmbeddedBackend(EmbeddedVariant):
    table = "search_fulltext_pg"
    key = "doc_id"

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsvector('simple', '低保 社保卡')::text")
            if cursor.fetchone()[0] != "'低保':1 '社保卡':2":
                raise ImproperlyConfigured(
                    "The database's text parser splits Chinese words: create it with a UTF-8 "
                    "LC_CTYPE (e.g. C.UTF-8 or zh_CN.UTF-8) to use the embedded search on PostgreSQL."
                )

    def _rows(self, docs: list[SearchDocument]) -> list[tuple]:
        return [(d.pk, d.title_terms, d.code_terms, d.keyword_terms, d.pinyin_terms, d.body_terms) for d in docs]

    def index(self, documents: Iterable[SearchDocument]) -> None:
        docs = list(documents)
        if not docs:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_fulltext_pg (doc_id, vector) VALUES (%s, {VECTOR}) "
                "ON CONFLICT (doc_id) DO UPDATE SET vector = EXCLUDED.vector",
                self._rows(docs),
            )

    def delete(self, doc_ids: Iterable[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fulltext_pg WHERE doc_id = ANY(%s)", [list(doc_ids)])

    def selective_terms(self, terms: list[str]) -> list[str]:
        if len(terms) <= MIN_TERMS:
            return terms
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fulltext_pg")
            documents = cursor.fetchone()[0]
            frequency = {}
            for term in terms:
                cursor.execute(
                    "SELECT count(*) FROM search_fulltext_pg WHERE vector @@ %s::tsquery", [_tsquery([term])]
                )
                frequency[term] = cursor.fetchone()[0]
        return keep_selective(terms, frequency, documents)

    def match(self, terms: list[str]) -> str:
        return _tsquery(terms)

    def render(self, expression: Expression) -> str:
        """tsquery syntax: 't', 't':* for a prefix, & and | in brackets."""
        if isinstance(expression, Term):
            return _tsquery([expression.text]) + (":*" if expression.prefix else "")
        joiner = " & " if isinstance(expression, AllOf) else " | "
        return "(" + joiner.join(self.render(item) for item in expression.items) + ")"

    def ranked_sql(self, depth: int) -> str:
        return (
            f"SELECT doc_id, ts_rank('{CLASS_WEIGHTS}', vector, q) * 10 AS score "
            "FROM search_fulltext_pg, CAST(%s AS tsquery) AS q WHERE vector @@ q "
            f"ORDER BY score DESC LIMIT {depth}"
        )
