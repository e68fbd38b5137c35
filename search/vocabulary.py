"""The search vocabulary: the catalog's names, keywords and editors' synonyms.

The segmenter learns every word here so that names stay whole; synonyms are
applied at query time, so an editor's change works on the next search in every
process without a restart or a rebuild.
"""

from __future__ import annotations

from django.core.cache import cache

from .analysis import Analyzed, analyze_query, normalize, segmenter
from .models import Synonym

SYNONYM_VERSION_KEY = "search:synonyms:version"

_vocabulary_version: object = None
_synonym_groups: list[list[str]] = []


def load_vocabulary() -> None:
    """Teach the segmenter the catalog's names, keywords and synonyms; reload when editors change synonyms."""
    global _vocabulary_version, _synonym_groups
    version = cache.get(SYNONYM_VERSION_KEY, 0)
    if version == _vocabulary_version:
        return
    from services.models import ServiceItemPage

    groups = [[normalize(t) for t in s.term_list()] for s in Synonym.objects.filter(active=True)]
    words: list[str] = [w for group in groups for w in group]
    for title, keywords in ServiceItemPage.objects.values_list("title", "keywords"):
        words.append(title)
        words.extend(k for k in keywords.replace("|", "、").split("、") if k)
    segmenter.add_words(words)
    _synonym_groups = groups
    _vocabulary_version = version


def vocabulary_changed() -> None:
    """Called when synonyms or the catalog change: every process reloads its vocabulary on its next query."""
    try:
        cache.incr(SYNONYM_VERSION_KEY)
    except ValueError:
        cache.set(SYNONYM_VERSION_KEY, 1, None)


def expand(text: str) -> Analyzed:
    """Query terms plus the terms of every synonym the query mentions."""
    terms = analyze_query(text)
    for term in synonyms_in(normalize(text)):
        # A synonym adds its words and pieces; its pinyin would only add noise.
        more = analyze_query(term)
        terms.words.extend(w for w in more.words if w not in terms.words)
        terms.grams.extend(g for g in more.grams if g not in terms.grams)
    return terms


def synonyms_in(norm: str) -> list[str]:
    """The other terms of every synonym group one of whose terms the normalized text mentions."""
    extra: list[str] = []
    for group in _synonym_groups:
        if any(term and term in norm for term in group):
            extra.extend(term for term in group if term not in norm and term not in extra)
    return extra
