"""The one search interface: analysis, backend choice with fallback, ranking
rules shared by both backends, best bets, highlighting and the query log."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import Analyzed, analyze_query, normalize, segmenter
from .backends.base import TOKEN_SOURCE, BackendResult, Query
from .models import BestBet, QueryLogDay, SearchDocument, Synonym

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
TOKEN_FIELDS = tuple(TOKEN_SOURCE.values())
SYNONYM_VERSION_KEY = "search:synonyms:version"
EXACT_TITLE_BONUS = 1000.0
EXACT_KEYWORD_BONUS = 100.0
TITLE_CONTAINS_BONUS = 50.0


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


def clean_query(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())[:MAX_QUERY_CHARS]


# -- vocabulary and synonyms ------------------------------------------------------


_vocabulary_version: object = None
_synonym_groups: list[list[str]] = []


def _load_vocabulary() -> None:
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
    norm = normalize(text)
    extra: list[str] = []
    for group in _synonym_groups:
        if any(term and term in norm for term in group):
            for term in group:
                if term not in norm:
                    extra.append(term)
    for term in extra:
        # A synonym adds its words and pieces; its pinyin would only add noise.
        more = analyze_query(term)
        terms.words.extend(w for w in more.words if w not in terms.words)
        terms.grams.extend(g for g in more.grams if g not in terms.grams)
    return terms


# -- backends -----------------------------------------------------------------------


def embedded_backend():
    """The embedded backend for this project's database: FTS5 on SQLite, tsvector on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from .backends.embedded_postgres import PostgresEmbeddedBackend

        return PostgresEmbeddedBackend()
    from .backends.embedded import EmbeddedBackend

    return EmbeddedBackend()


def active_backend():
    if settings.ELASTICSEARCH_URL:
        try:
            from .backends.elastic import ElasticsearchBackend
        except ImportError:
            logger.warning("ELASTICSEARCH_URL is set but the Elasticsearch backend is not available; using embedded")
        else:
            return ElasticsearchBackend(settings.ELASTICSEARCH_URL)
    return embedded_backend()


def _run(query: Query) -> tuple[str, BackendResult]:
    backend = active_backend()
    try:
        return backend.name, backend.search(query)
    except Exception:
        if backend.name == "embedded":
            raise
        logger.warning("search backend %s failed; falling back to the embedded backend", backend.name, exc_info=True)
        fallback = embedded_backend()
        return fallback.name, fallback.search(query)


# -- the entry point ------------------------------------------------------------------


def search(
    text: str,
    root_path: str,
    filters: dict[str, str] | None = None,
    limit: int = 10,
    offset: int = 0,
    log: bool = True,
) -> SearchResponse:
    text = clean_query(text)
    if not text:
        return SearchResponse(query="", backend=active_backend().name)
    _load_vocabulary()
    query = Query(text, expand(text), root_path, dict(filters or {}), limit, offset, today=timezone.localdate())
    backend_name, found = _run(query)
    # The token columns are large and only the index needs them.
    documents = SearchDocument.objects.defer(*TOKEN_FIELDS).in_bulk([hit.doc_id for hit in found.hits])
    results = [Result(documents[h.doc_id], h.score) for h in found.hits if h.doc_id in documents]
    results = rerank(results, normalize(text))
    promoted = best_bets(text, root_path) if not filters and offset == 0 else []
    promoted_ids = {r.document.page_id for r in promoted}
    results = promoted + [r for r in results if r.document.page_id not in promoted_ids]
    page = results[offset : offset + limit]
    for result in page:
        result.snippet = highlight(result.document.summary, query.terms)
    if log:
        record(text, zero=found.total == 0 and not promoted)
    return SearchResponse(text, backend_name, page, max(found.total, len(results)), found.facets)


RERANK_DEPTH = 100  # an exact name or everyday word always lands in BM25's top 100


def rerank(results: list[Result], norm_query: str) -> list[Result]:
    """Exact names first, then exact everyday words, then names containing the query;
    village items beside their town item."""
    for result in results[:RERANK_DEPTH]:
        doc = result.document
        title = normalize(doc.title)
        if title == norm_query or normalize(doc.code) == norm_query:
            result.score += EXACT_TITLE_BONUS
        elif norm_query in doc.keyword_set():
            result.score += EXACT_KEYWORD_BONUS
        elif len(norm_query) >= 2 and norm_query in title:
            result.score += TITLE_CONTAINS_BONUS
    results.sort(key=lambda r: -r.score)
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
        if town is not None and id(town) not in placed:
            # A village item pulls its town item up beside it, whichever ranked higher.
            group = [town, *villages.get(town.document.code, [])]
        else:
            group = [result, *villages.get(result.document.code, [])]
        for member in group:
            if id(member) not in placed:
                ordered.append(member)
                placed.add(id(member))
    return ordered


def best_bets(text: str, root_path: str) -> list[Result]:
    now = timezone.now()
    norm = normalize(text)
    bets = [
        bet
        for bet in BestBet.objects.select_related("page").filter(starts_at__lte=now).order_by("sort_order")
        if normalize(bet.query) == norm
        and (bet.expires_at is None or bet.expires_at > now)
        and bet.page.live
        and bet.page.path.startswith(root_path)
    ]
    docs = {d.page_id: d for d in SearchDocument.objects.filter(page_id__in=[b.page_id for b in bets])}
    return [
        Result(docs[b.page_id], EXACT_TITLE_BONUS * 10, promoted=True, promotion_note=b.note)
        for b in bets
        if b.page_id in docs
    ]


def highlight(text: str, terms: Analyzed, length: int = 120) -> SafeString:
    """Escape ``text`` and wrap the query's words and pieces in <mark>."""
    text = (text or "")[:length]
    needles = sorted({t for t in [*terms.words, *terms.grams] if len(t) >= 2}, key=len, reverse=True)
    norm = normalize(text)
    if len(norm) != len(text):
        return mark_safe(escape(text))
    marks = [False] * len(text)
    for needle in needles:
        start = norm.find(needle)
        while start != -1:
            for i in range(start, start + len(needle)):
                marks[i] = True
            start = norm.find(needle, start + 1)
    out, open_ = [], False
    for char, marked in zip(text, marks, strict=True):
        if marked and not open_:
            out.append("<mark>")
        if not marked and open_:
            out.append("</mark>")
        open_ = marked
        out.append(escape(char))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))


def record(text: str, zero: bool) -> None:
    """Count the normalized query for today; nothing about who searched is kept."""
    norm = normalize(text)[:MAX_QUERY_CHARS]
    if not norm:
        return
    row, _ = QueryLogDay.objects.get_or_create(day=timezone.localdate(), query=norm)
    QueryLogDay.objects.filter(pk=row.pk).update(
        searches=F("searches") + 1, zero_results=F("zero_results") + (1 if zero else 0)
    )


HOT_WORDS_CACHE_SECONDS = 600


def computed_hot_words(count: int = 8, days: int = 30) -> list[str]:
    """The most searched queries of the last ``days`` days that found something (cached briefly)."""
    key = f"search:hot-words:{count}:{days}:{timezone.localdate()}"
    words = cache.get(key)
    if words is None:
        words = _hot_words_from_log(count, days)
        cache.set(key, words, HOT_WORDS_CACHE_SECONDS)
    return words


def _hot_words_from_log(count: int, days: int) -> list[str]:
    from django.db.models import Sum

    since = timezone.localdate() - timezone.timedelta(days=days)
    rows = (
        QueryLogDay.objects.filter(day__gte=since)
        .values("query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
        .order_by("-total", "query")
    )
    return [row["query"] for row in rows if row["empty"] < row["total"] and len(row["query"]) <= 12][:count]


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
    from difflib import SequenceMatcher

    from .analysis import CJK_RUN, pinyin_of

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
    return best if best_ratio >= 0.75 and best != norm else ""
