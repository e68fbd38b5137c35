"""The one search entry point, used by the results page, the JSON API and the commands.

A query is cleaned and expanded with synonyms, run on the active backend (with
fallback), re-ranked by the shared rules, topped with best bets, highlighted
and counted in the query log.
"""

from __future__ import annotations

from django.utils import timezone

from .analysis import clean_query, normalize
from .backends import active_backend, search_with_fallback
from .backends.base import TOKEN_SOURCE, BackendResult, Query
from .editorial import best_bets
from .highlight import highlight
from .models import SearchDocument
from .querylog import record
from .ranking import rerank
from .results import Result, SearchResponse
from .vocabulary import expand, load_vocabulary

TOKEN_FIELDS = tuple(TOKEN_SOURCE.values())

__all__ = ["Result", "SearchResponse", "clean_query", "search"]


def search(
    text: str,
    root_path: str,
    filters: dict[str, str] | None = None,
    limit: int = 10,
    offset: int = 0,
    log: bool = True,
) -> SearchResponse:
    """One page of results for ``text`` among the documents of the town whose tree path is ``root_path``."""
    text = clean_query(text)
    if not text:
        return SearchResponse(query="", backend=active_backend().name)
    load_vocabulary()
    query = Query(text, expand(text), root_path, dict(filters or {}), limit, offset, today=timezone.localdate())
    backend_name, found = search_with_fallback(query)
    results = rerank(_results(found), normalize(text))
    promoted = best_bets(text, root_path) if not filters and offset == 0 else []
    promoted_ids = {r.document.page_id for r in promoted}
    results = promoted + [r for r in results if r.document.page_id not in promoted_ids]
    page = results[offset : offset + limit]
    for result in page:
        result.snippet = highlight(result.document.summary, query.terms)
    if log:
        record(text, zero=found.total == 0 and not promoted)
    return SearchResponse(text, backend_name, page, max(found.total, len(results)), found.facets)


def _results(found: BackendResult) -> list[Result]:
    """The backend's hits as results, in its order; hits whose document has gone are dropped."""
    # The token columns are large and only the index needs them.
    documents = SearchDocument.objects.defer(*TOKEN_FIELDS).in_bulk([hit.doc_id for hit in found.hits])
    return [Result(documents[h.doc_id], h.score) for h in found.hits if h.doc_id in documents]
