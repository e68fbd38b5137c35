"""The interface both backends implement, and the shapes they return."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction

from ..analysis import Analyzed

# Field weights shared by both backends, so they rank alike.
WEIGHTS = {"title": 10.0, "keywords": 6.0, "body": 1.0, "pinyin": 3.0, "code": 20.0}
FACET_FIELDS = ("doc_type", "category", "life_events", "level", "online")
# Index column -> SearchDocument field holding its analyzed tokens.
TOKEN_SOURCE = {
    "title": "title_terms",
    "keywords": "keyword_terms",
    "body": "body_terms",
    "pinyin": "pinyin_terms",
    "code": "code_terms",
}


@dataclass(frozen=True)
class Query:
    """An analyzed query with its filters, as both backends receive it."""

    text: str
    terms: Analyzed
    root_path: str
    filters: dict[str, str] = field(default_factory=dict)
    limit: int = 10
    offset: int = 0
    today: dt.date | None = None  # documents with an earlier expiry date are left out

    def match_terms(self) -> list[str]:
        return self.terms.all_terms()[:48]


@dataclass
class Hit:
    doc_id: int
    score: float


@dataclass
class BackendResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]


class SearchBackend:
    name = "base"

    def index(self, documents: Iterable) -> None:
        raise NotImplementedError

    def delete(self, doc_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def rebuild(self, documents: Iterable) -> None:
        raise NotImplementedError

    def search(self, query: Query) -> BackendResult:
        raise NotImplementedError


# -- pieces shared by the two embedded variants (SQLite and PostgreSQL) ----------------

COMMON_SHARE = 0.2  # a term in more than this share of documents is left out while rarer terms remain
MIN_TERMS = 3
MAX_MATCHES = 500  # ranked matches handed to the shared re-ranking; facets count the same set


def keep_selective(terms: list[str], frequency: dict[str, int], documents: int) -> list[str]:
    """Lucene's common-terms cutoff: drop terms found in most documents while rarer ones remain.

    Such terms carry almost no weight in the ranking, and their long posting
    lists are most of the cost on a large index.
    """
    if len(terms) <= MIN_TERMS:
        return terms
    known = [t for t in terms if frequency.get(t)]
    kept = [t for t in known if frequency[t] / max(documents, 1) <= COMMON_SHARE]
    if len(kept) < MIN_TERMS:
        kept = sorted(known, key=lambda t: frequency[t])[:MIN_TERMS]
    return kept


def filter_clauses(query: Query) -> tuple[list[str], list[str]]:
    """SQL conditions on search_searchdocument (aliased d) for the site and the facet filters."""
    where, params = ["d.root_path = %s"], [query.root_path]
    if query.today is not None:
        where.append("(d.expires_on IS NULL OR d.expires_on >= %s)")
        params.append(query.today)
    for name, value in query.filters.items():
        if name not in FACET_FIELDS:
            continue
        if name == "life_events":
            where.append("('|' || d.life_events || '|') LIKE %s")
            params.append(f"%|{value}|%")
        else:
            where.append(f"d.{name} = %s")
            params.append(value)
    return where, params


def result_from_rows(rows: Sequence[tuple]) -> BackendResult:
    """Rows of (id, score, *FACET_FIELDS) into hits and facet counts."""
    facets: dict[str, Counter] = {name: Counter() for name in FACET_FIELDS}
    for row in rows:
        for name, value in zip(FACET_FIELDS, row[2:], strict=True):
            if name == "life_events":
                facets[name].update(e for e in value.split("|") if e)
            elif value:
                facets[name][value] += 1
    hits = [Hit(row[0], float(row[1])) for row in rows]
    return BackendResult(hits, len(rows), {k: dict(v.most_common()) for k, v in facets.items()})


class EmbeddedVariant(SearchBackend):
    """What the SQLite and PostgreSQL variants of the embedded backend share.

    A variant names its full-text ``table`` and ``key`` column and supplies
    ``ranked_sql`` (best matches first, as ``key`` and ``score``, for one
    bound parameter, the match expression) and ``match`` for the terms.
    """

    name = "embedded"
    table = ""
    key = ""

    def ranked_sql(self, depth: int) -> str:
        raise NotImplementedError

    def match(self, terms: list[str]) -> str:
        raise NotImplementedError

    def selective_terms(self, terms: list[str]) -> list[str]:
        raise NotImplementedError

    def render(self, expression) -> str:
        """A ``search.matching`` expression in this variant's query syntax."""
        raise NotImplementedError

    def matching_pages(self, expression, limit: int) -> list[tuple[int, float, str, str, str]]:
        """(page id, score, title, code, keywords) of the documents matching ``expression``, in every town.

        The admin's search: no town, facet or expiry filter, and a yes-or-no
        expression instead of a ranked OR of terms. Best first, at most ``limit``.
        """
        sql = (
            f"SELECT d.page_id, f.score, d.title, d.code, d.keywords FROM ({self.ranked_sql(limit)}) AS f "
            f"JOIN search_searchdocument d ON d.id = f.{self.key} ORDER BY f.score DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.render(expression)])
            return [(row[0], float(row[1]), *row[2:]) for row in cursor.fetchall()]

    def rebuild(self, documents: Iterable) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.table}")
            self.index(documents)

    def search(self, query: Query) -> BackendResult:
        terms = self.selective_terms(query.match_terms())
        if not terms:
            return BackendResult([], 0, {})
        where, params = filter_clauses(query)
        # Rank inside the full-text table first and join only the best rows:
        # joining every match before the sort costs seconds at 100k documents.
        # Filters need a deeper cut.
        depth = MAX_MATCHES * (10 if query.filters else 1)
        sql = (
            f"SELECT d.id, f.score, d.{', d.'.join(FACET_FIELDS)} FROM ({self.ranked_sql(depth)}) AS f "
            f"JOIN search_searchdocument d ON d.id = f.{self.key} WHERE {' AND '.join(where)} "
            f"ORDER BY f.score DESC LIMIT {MAX_MATCHES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match(terms), *params])
            return result_from_rows(cursor.fetchall())
