"""The request path for a sheet: what a resident's GET of a PDF gets.

A cached PDF when there is one; else a single sheet or the poster rendered
within the time limit (falling back to the last good PDF); a village pack is
never rendered in a request: it is queued, and the request gets the previous
pack or ``SheetPending``.
"""

from __future__ import annotations

from wagtail.models import Site

from . import cache
from .pages import PACK_PREFIX
from .production import ServedSheet, pack_source, produce


class SheetPending(Exception):
    """A pack is being built in the background and there is no earlier one to serve."""


def serve(site: Site, key: str) -> ServedSheet:
    """The PDF for a request: raises SheetNotFound, SheetUnavailable or SheetPending."""
    if key.startswith(PACK_PREFIX):
        return serve_pack(site, key.removeprefix(PACK_PREFIX))
    return produce(site, key, time_limit=True)


def serve_pack(site: Site, code: str) -> ServedSheet:
    from .tasks import build_pack

    key = PACK_PREFIX + code
    source_hash, _cover, _parts = pack_source(site, code)
    cached = cache.lookup(site, key, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    build_pack.enqueue(site.pk, code)  # an immediate backend finishes it before returning
    cached = cache.lookup(site, key, source_hash)
    if cached is not None:
        return ServedSheet(cached)
    fallback = cache.last_good(site, key)
    if fallback is None:
        raise SheetPending(key)
    return ServedSheet(fallback, fallback=True)
