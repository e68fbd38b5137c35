"""Help while typing and after a miss: names containing the input, and the closest name to a query."""

from __future__ import annotations

from difflib import SequenceMatcher

from .analysis import CJK_RUN, clean_query, normalize, pinyin_of
from .models import SearchDocument

DID_YOU_MEAN_RATIO = 0.75


def suggestions(text: str, root_path: str, limit: int = 8) -> list[dict]:
    """Titles to offer while typing: names and everyday words containing the input."""
    norm = normalize(clean_query(text))
    if not norm:
        return []
    docs = SearchDocument.objects.filter(root_path=root_path).only("title", "url", "keywords")
    matches = [d for d in docs if norm in normalize(d.title) or any(norm in k for k in d.keyword_set())]
    matches.sort(key=lambda d: (not normalize(d.title).startswith(norm), len(d.title)))
    return [{"title": d.title, "url": d.url} for d in matches[:limit]]


def did_you_mean(text: str, root_path: str) -> str:
    """For a query that found nothing: the closest name or everyday word, by sound and by shape.

    difflib's ratio over pinyin catches homophone and spelling slips (shebaoak,
    社保咔); nothing here is tuned to particular queries.
    """
    norm = normalize(clean_query(text))
    if not norm:
        return ""
    query_sound = "".join(pinyin_of(run)[0] if CJK_RUN.fullmatch(run) else run for run in norm.split())
    best, best_ratio = "", 0.0
    docs = SearchDocument.objects.filter(root_path=root_path).only("title", "keywords")
    candidates = {k for d in docs for k in d.keyword_set()} | {normalize(d.title) for d in docs}
    for candidate in candidates:
        sound = pinyin_of(candidate)[0] if CJK_RUN.search(candidate) else candidate
        ratio = max(SequenceMatcher(None, query_sound, sound).ratio(), SequenceMatcher(None, norm, candidate).ratio())
        if ratio > best_ratio or (ratio == best_ratio and len(candidate) < len(best)):
            best, best_ratio = candidate, ratio
    return best if best_ratio >= DID_YOU_MEAN_RATIO and best != norm else ""
