"""Serving sheets, packs and the poster as PDF, and the short addresses their QR codes hold."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import http_date
from wagtail.models import Site

from home.coded import find_by_code
from home.towns import town_for_request

from .html import SHEET_PARAM
from .pages import PACK_PREFIX, POSTER_KEY, SheetNotFound
from .production import ServedSheet, SheetUnavailable
from .serving import SheetPending, serve


def _pdf_response(served: ServedSheet, filename: str) -> HttpResponse:
    record = served.record
    response = HttpResponse(bytes(record.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Last-Modified"] = http_date(record.rendered_at.timestamp())
    response["ETag"] = f'"{record.source_hash[:32]}"'
    response["X-Sheet-Pages"] = str(record.pages)
    if served.fallback:
        response["X-Sheet-Fallback"] = "1"  # rendering the current edition failed; this is the last good one
        response["Cache-Control"] = "no-cache"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response


def _serve(request: HttpRequest, key: str, filename: str) -> HttpResponse:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("no site")
    try:
        served = serve(site, key)
    except SheetNotFound:
        raise Http404(f"没有编码为 {key} 的明白纸") from None
    except (SheetUnavailable, SheetPending) as exc:
        pending = isinstance(exc, SheetPending)
        context = {"code": key.removeprefix(PACK_PREFIX), "pending": pending}
        response = render(request, "sheets/unavailable.html", context, status=503)
        response["Retry-After"] = "60"
        return response
    if request.headers.get("If-None-Match") == f'"{served.record.source_hash[:32]}"' and not served.fallback:
        return HttpResponse(status=304)
    return _pdf_response(served, filename)


def sheet_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _serve(request, code, f"{code}.pdf")


def pack_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return _serve(request, PACK_PREFIX + code, f"{code}-pack.pdf")


def poster_pdf(request: HttpRequest) -> HttpResponse:
    return _serve(request, POSTER_KEY, "ZM-A3.pdf")


def short_address(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """``/s/QH-MZ-001/3``, a sheet's QR code: 302 to the page's current address with ``?sheet=3``.

    The page is found by its code within the request's town, so a printed code
    keeps working after the page's slug changes; the page compares the edition
    with the current one and tells a resident holding an old sheet what changed.
    """
    site = town_for_request(request)
    page = find_by_code(site, code.upper()) if site is not None else None
    url = page.get_url(request=request) if page is not None else None
    if url is None:
        raise Http404(f"没有编码为 {code} 的页面")
    return HttpResponseRedirect(f"{url}?{SHEET_PARAM}={int(number)}")
