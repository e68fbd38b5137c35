"""The interface both backends implement, and the shapes they return."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
