"""The anonymous query log: a count per normalized query and day, nothing about who searched.

A client's repeats do not count: a query is counted at most once per client
and day. The client is ``home.clients.client_hash`` (a keyed hash of the
address, proxy-aware, and the user agent); neither it nor the address is
stored. What is stored is a mark per day in a small table (``QuerySeen``):
a hash of client key and query, so marks cannot be traced to an address nor
linked to each other, deleted once the day is over.

We chose a table over cache keys: the local-memory cache (the default without
``REDIS_URL``) is one per worker process, so a flood spread over the workers
would be counted once per worker, and a cache flush would let repeats count
again; the table is shared, transactional and costs one small insert per
search. A flood therefore needs a new address (or, behind a trusted proxy, a
new client) for every count, and even then only vetted or approved terms
become hot words (``search.editorial``).
"""

from __future__ import annotations

import hashlib

from django.db.models import F
from django.utils import timezone

from .analysis import MAX_QUERY_CHARS, normalize
from .models import QueryLogDay, QuerySeen


def first_today(client: str, norm: str) -> bool:
    """True the first time today this client searches this normalized query; marks it counted."""
    digest = hashlib.sha256(f"{client}\n{norm}".encode()).hexdigest()[:32]
    _mark, created = QuerySeen.objects.get_or_create(day=timezone.localdate(), digest=digest)
    return created


def record(text: str, zero: bool, client: str | None = None) -> None:
    """Count the normalized query for today, once per ``client`` (a ``client_hash``) if one is given."""
    norm = normalize(text)[:MAX_QUERY_CHARS]
    if not norm:
        return
    if client is not None and not first_today(client, norm):
        return
    today = timezone.localdate()
    row, created = QueryLogDay.objects.get_or_create(day=today, query=norm)
    QueryLogDay.objects.filter(pk=row.pk).update(
        searches=F("searches") + 1, zero_results=F("zero_results") + (1 if zero else 0)
    )
    if created:  # now and then (a query's first search of the day): drop the marks of past days
        QuerySeen.objects.filter(day__lt=today).delete()
