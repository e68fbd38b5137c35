"""Ranking rules shared by both backends, applied after the backend's own ranking."""

from __future__ import annotations

from .analysis import normalize
from .models import SearchDocument
from .results import Result

EXACT_TITLE_BONUS = 1000.0
EXACT_KEYWORD_BONUS = 100.0
TITLE_CONTAINS_BONUS = 50.0
RERANK_DEPTH = 100  # an exact name or everyday word always lands in BM25's top 100


def rerank(results: list[Result], norm_query: str) -> list[Result]:
    """Exact names first, then exact everyday words, then names containing the query;
    village items beside their town item."""
    for result in results[:RERANK_DEPTH]:
        bonus = _bonus(result.document, norm_query)
        if bonus:
            result.score += bonus
    results.sort(key=lambda r: -r.score)
    return _villages_beside_towns(results)


def _bonus(doc: SearchDocument, norm_query: str) -> float:
    title = normalize(doc.title)
    if title == norm_query or normalize(doc.code) == norm_query:
        return EXACT_TITLE_BONUS
    if norm_query in doc.keyword_set():
        return EXACT_KEYWORD_BONUS
    if len(norm_query) >= 2 and norm_query in title:
        return TITLE_CONTAINS_BONUS
    return 0.0


def _villages_beside_towns(results: list[Result]) -> list[Result]:
    """Each town item followed by its village items, at the place of whichever ranked highest."""
    by_code = {r.document.code: r for r in results if r.document.code}
    villages: dict[str, list[Result]] = {}
    for result in results:
        if result.document.town_code:
            villages.setdefault(result.document.town_code, []).append(result)
    placed: set[int] = set()
    ordered: list[Result] = []
    for result in results:
        if id(result) in placed:
            continue
        town = by_code.get(result.document.town_code)
        # A village item pulls its town item up beside it, whichever ranked higher.
        leader = town if town is not None and id(town) not in placed else result
        for member in (leader, *villages.get(leader.document.code, [])):
            if id(member) not in placed:
                ordered.append(member)
                placed.add(id(member))
    return ordered
