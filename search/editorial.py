"""What editors put into search: best bets on top of the results, and the hot words offered to residents."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from home.models import TownSettings
from home.towns import town_for_request, town_path

from .analysis import normalize
from .documents import title_variants
from .models import BestBet, HotWordCandidate, QueryLogDay, SearchDocument, Synonym
from .ranking import EXACT_TITLE_BONUS
from .results import Result

BEST_BET_SCORE = EXACT_TITLE_BONUS * 10  # above anything the ranking rules can give
HOT_WORDS_CACHE_SECONDS = 600
HOT_WORD_MAX_CHARS = 12
HOT_WORD_SCAN = 500  # the most searched queries looked at; hot words are among the first few anyway
CANDIDATES_PER_RUN = 20  # popular unvetted queries put before editors per computation, so a flood cannot fill the list
VETTED_DOC_TYPES = ("guide", "certificate", "place")  # notices come and go; their titles are not hot words


def best_bets(text: str, root_path: str) -> list[Result]:
    """The live pages editors put first for this query in this town, while their bets run."""
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
        Result(docs[b.page_id], BEST_BET_SCORE, promoted=True, promotion_note=b.note) for b in bets if b.page_id in docs
    ]


def hot_words_for(request: HttpRequest, count: int = 8) -> list[str]:
    """Editor-set hot words of the request's town (split on 、 or ，), else the most searched vetted terms."""
    town = TownSettings.for_request(request)
    words = [w.strip() for w in town.hot_words.replace("，", "、").split("、") if w.strip()]
    if words:
        return words[:count]
    site = town_for_request(request)
    return computed_hot_words(count, root_path=town_path(site) if site else "")


def computed_hot_words(count: int = 8, days: int = 30, root_path: str = "") -> list[str]:
    """The most searched vetted terms of the last ``days`` days that found something (cached briefly).

    ``root_path`` narrows the vetted names to one town's pages; empty means every town.
    """
    key = f"search:hot-words:{count}:{days}:{root_path}:{timezone.localdate()}"
    words = cache.get(key)
    if words is None:
        words = _hot_words_from_log(count, days, root_path)
        cache.set(key, words, HOT_WORDS_CACHE_SECONDS)
    return words


def vetted_terms(root_path: str = "") -> set[str]:
    """Normalized terms the town itself vouches for: names of its items, certificate entries and places,
    the items' everyday words, the editors' synonyms, and the hot-word candidates editors approved."""
    docs = SearchDocument.objects.filter(doc_type__in=VETTED_DOC_TYPES)
    if root_path:
        docs = docs.filter(root_path=root_path)
    terms: set[str] = set()
    for doc_type, title, keywords in docs.values_list("doc_type", "title", "keywords"):
        terms.update(normalize(t) for t in title_variants(title))
        if doc_type == "guide":
            terms.update(k for k in keywords.split("|") if k)
    for synonym in Synonym.objects.filter(active=True):
        terms.update(normalize(t) for t in synonym.term_list())
    terms.update(HotWordCandidate.objects.filter(status=HotWordCandidate.APPROVED).values_list("query", flat=True))
    terms.discard("")
    return terms


def _hot_words_from_log(count: int, days: int, root_path: str = "") -> list[str]:
    """Each client counts once a day (``search.querylog``); unvetted popular queries wait for editors."""
    since = timezone.localdate() - timezone.timedelta(days=days)
    rows = (
        QueryLogDay.objects.filter(day__gte=since)
        .values("query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
        .order_by("-total", "query")
    )
    found = [row["query"] for row in rows[:HOT_WORD_SCAN] if row["empty"] < row["total"]]
    found = [q for q in found if len(q) <= HOT_WORD_MAX_CHARS]
    vetted = vetted_terms(root_path)
    rejected = set(HotWordCandidate.objects.filter(status=HotWordCandidate.REJECTED).values_list("query", flat=True))
    unvetted = [q for q in found if q not in vetted and q not in rejected][:CANDIDATES_PER_RUN]
    if unvetted:
        HotWordCandidate.objects.bulk_create([HotWordCandidate(query=q) for q in unvetted], ignore_conflicts=True)
    return [q for q in found if q in vetted and q not in rejected][:count]
