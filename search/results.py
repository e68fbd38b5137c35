"""What a search returns: scored documents and the response around them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from .models import SearchDocument


@dataclass
class Result:
    document: SearchDocument
    score: float
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))
    promoted: bool = False
    promotion_note: str = ""

    def as_json(self) -> dict:
        doc = self.document
        return {
            "code": doc.code or str(doc.page_id),
            "type": doc.doc_type,
            "title": doc.title,
            "url": doc.url,
            "score": round(self.score, 4),
        }


@dataclass
class SearchResponse:
    query: str
    backend: str
    results: list[Result] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"query": self.query, "backend": self.backend, "results": [r.as_json() for r in self.results]}
