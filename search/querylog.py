"""The anonymous query log: a count per normalized query and day, nothing about who searched."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from .analysis import MAX_QUERY_CHARS, normalize
from .models import QueryLogDay


def record(text: str, zero: bool) -> None:
    """Count the normalized query for today; nothing about who searched is kept."""
    norm = normalize(text)[:MAX_QUERY_CHARS]
    if not norm:
        return
    row, _ = QueryLogDay.objects.get_or_create(day=timezone.localdate(), query=norm)
    QueryLogDay.objects.filter(pk=row.pk).update(
        searches=F("searches") + 1, zero_results=F("zero_results") + (1 if zero else 0)
    )
