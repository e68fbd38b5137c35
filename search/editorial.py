"""What editors put into search: best bets on top of the results, and the hot words offered to residents."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from home.models import TownSettings

from .analysis import normalize
from .models import BestBet, QueryLogDay, SearchDocument
from .ranking import EXACT_TITLE_BONUS
from .results import Result

BEST_BET_SCORE = EXACT_TITLE_BONUS * 10  # above anything the ranking rules can give
HOT_WORDS_CACHE_SECONDS = 600


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
    """Editor-set hot words of the request's town (split on 、 or ，), else the most searched queries."""
    town = TownSettings.for_request(request)
    words = [w.strip() for w in town.hot_words.replace("，", "、").split("、") if w.strip()]
    return words[:count] or computed_hot_words(count)


def computed_hot_words(count: int = 8, days: int = 30) -> list[str]:
    """The most searched queries of the last ``days`` days that found something (cached briefly)."""
    key = f"search:hot-words:{count}:{days}:{timezone.localdate()}"
    words = cache.get(key)
    if words is None:
        words = _hot_words_from_log(count, days)
        cache.set(key, words, HOT_WORDS_CACHE_SECONDS)
    return words


def _hot_words_from_log(count: int, days: int) -> list[str]:
    since = timezone.localdate() - timezone.timedelta(days=days)
    rows = (
        QueryLogDay.objects.filter(day__gte=since)
        .values("query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
        .order_by("-total", "query")
    )
    return [row["query"] for row in rows if row["empty"] < row["total"] and len(row["query"]) <= 12][:count]
