"""Reading modes every public page offers without JavaScript: 关怀版 (large type) and 繁體 (traditional characters).

A resident's choice is a cookie, set by following a plain link (``/reading/<mode>/?next=…``), so it works on
the oldest phone browser and survives closing it:

- ``care=1``: 关怀版. Templates read ``reading.care`` (this module's context processor) and put
  ``class="care"`` on ``<html>``; the CSS does the rest.
- ``script=hant``: 繁體. ``TraditionalScriptMiddleware`` converts the finished HTML with OpenCC on the
  server, so relatives in Hong Kong, Taiwan and overseas read every page, search results included, in the
  characters they know. Text inside an element marked ``lang="zh-Hans"`` (the 简体 link back) is left
  as written. A page is converted once per distinct body: the result is kept in the default cache under a
  hash of the simplified HTML.

Both change what one URL returns, so every public HTML response carries ``Vary: Cookie``.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

CARE_COOKIE, CARE_ON = "care", "1"
SCRIPT_COOKIE, SCRIPT_TRADITIONAL = "script", "hant"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # one year: set once, e.g. by a relative, and kept

# mode -> (cookie, value to set, or None to delete it)
MODES: dict[str, tuple[str, str | None]] = {
    "care": (CARE_COOKIE, CARE_ON),
    "standard": (CARE_COOKIE, None),
    "traditional": (SCRIPT_COOKIE, SCRIPT_TRADITIONAL),
    "simplified": (SCRIPT_COOKIE, None),
}

# Editors' screens and served files are left as they are; only resident pages change with the cookies.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/")
UNCONVERTED_PREFIXES = (*PRIVATE_PREFIXES, "/documents/", "/sheets/")

OPENCC_CONFIG = "s2t"
# Keys are content hashes, so an entry never goes stale; the timeout only lets unused pages (an old
# revision, a one-off search) fall out.
CONVERSION_CACHE_SECONDS = 24 * 60 * 60
_HTML_LANG = re.compile(r"""(<html\b[^>]*?\blang=["']?)zh-Hans\b""", re.IGNORECASE)
# An element other than <html> that says it is simplified (the "简体" link back) keeps its text.
_KEEP_SIMPLIFIED = re.compile(
    r"""<(?!html\b)([a-z][a-z0-9]*)\b[^>]*\blang=["']?zh-Hans\b[^>]*>.*?</\1\s*>""", re.IGNORECASE | re.DOTALL
)


def care_mode(request: HttpRequest) -> bool:
    """Whether the resident chose 关怀版."""
    return request.COOKIES.get(CARE_COOKIE) == CARE_ON


def traditional_script(request: HttpRequest) -> bool:
    """Whether the resident chose 繁體."""
    return request.COOKIES.get(SCRIPT_COOKIE) == SCRIPT_TRADITIONAL


def _local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else "/": the toggle must not become an open redirect."""
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return "/"


@require_safe
def reading(request: HttpRequest, mode: str) -> HttpResponse:
    """Remember the reading mode in its cookie and send the resident back to the page they were on."""
    if mode not in MODES:
        raise Http404("unknown reading mode")
    name, value = MODES[mode]
    response = HttpResponseRedirect(_local_path(request.GET.get("next")))
    if value is None:
        response.delete_cookie(name, path="/", samesite="Lax")
    else:
        response.set_cookie(name, value, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=True)
    add_never_cache_headers(response)  # a cached redirect would skip setting the cookie
    return response


class ReadingModes:
    """What templates see as ``reading``: the two choices and a link for each toggle back to this page."""

    def __init__(self, request: HttpRequest):
        self.care = care_mode(request)
        self.traditional = traditional_script(request)
        self._query = urlencode({"next": request.get_full_path()})

    def _url(self, mode: str) -> str:
        return f"{reverse('reading', kwargs={'mode': mode})}?{self._query}"

    # Properties, so the admin, which never shows the toggles, never reverses a URL for them.
    @property
    def care_url(self) -> str:
        return self._url("care")

    @property
    def standard_url(self) -> str:
        return self._url("standard")

    @property
    def traditional_url(self) -> str:
        return self._url("traditional")

    @property
    def simplified_url(self) -> str:
        return self._url("simplified")


def reading_context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``reading.care``, ``reading.traditional`` and ``reading.<mode>_url``."""
    return {"reading": ReadingModes(request)}


_converter_lock = threading.Lock()
_converter_instance: Any = None


def _converter() -> Any:
    """The process's one OpenCC converter, loaded on first use (its dictionaries take a while to read).

    Loading is guarded so two threads of a fresh worker do not both load it. Converting needs no lock:
    OpenCC's converter is only read once loaded (``Converter::Convert`` is const).
    """
    global _converter_instance
    if _converter_instance is None:
        with _converter_lock:
            if _converter_instance is None:
                import opencc

                _converter_instance = opencc.OpenCC(OPENCC_CONFIG)
    return _converter_instance


def _cache_key(body: bytes) -> str:
    import opencc

    # The OpenCC version is in the key: a new release with better phrases replaces the old conversions.
    return f"reading:{OPENCC_CONFIG}:{opencc.__version__}:{hashlib.sha256(body).hexdigest()}"


def to_traditional(html: str) -> str:
    """``html`` in traditional characters, its ``<html lang>`` saying so. Tags and URLs are ASCII and stay."""
    convert = _converter().convert
    parts, start = [], 0
    for kept in _KEEP_SIMPLIFIED.finditer(html):
        parts += [convert(html[start : kept.start()]), kept.group(0)]
        start = kept.end()
    parts.append(convert(html[start:]))
    return _HTML_LANG.sub(r"\1zh-Hant", "".join(parts), count=1)


def traditional_body(body: bytes, charset: str) -> bytes:
    """The converted body, from the cache when this exact page was converted before."""
    key = _cache_key(body)
    converted = cache.get(key)
    if converted is None:
        converted = to_traditional(body.decode(charset)).encode(charset)
        cache.set(key, converted, CONVERSION_CACHE_SECONDS)
    return converted


# A page, and the page that says one is not there (a resident follows a stale link in either view).
CONVERTED_STATUSES = (200, 404)


class TraditionalScriptMiddleware:
    """Serve resident pages in traditional characters to whoever chose 繁體, and mark pages as cookie-dependent.

    Sits after CommonMiddleware in MIDDLEWARE, so it sees the finished page before CommonMiddleware and
    LocaleMiddleware add their headers on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if not response.get("Content-Type", "").startswith("text/html") or path.startswith(PRIVATE_PREFIXES):
            return response
        patch_vary_headers(response, ("Cookie",))
        if (
            traditional_script(request)
            and response.status_code in CONVERTED_STATUSES
            and not response.streaming
            and not response.has_header("Content-Encoding")
            and not path.startswith(UNCONVERTED_PREFIXES)
        ):
            self._convert(response)
        return response

    @staticmethod
    def _convert(response: HttpResponse) -> None:
        try:
            response.content = traditional_body(response.content, response.charset)
        except (UnicodeError, LookupError):
            return  # not text in its declared charset: serve it as it is
        response["Content-Language"] = "zh-Hant"  # LocaleMiddleware only sets it when missing
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        if response.has_header("ETag"):
            del response["ETag"]  # it described the simplified body
