"""Resident search page and the JSON endpoints; thin wrappers over ``search.engine``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django_ratelimit.decorators import ratelimit

from home.clients import client_hash
from home.towns import town_for_request, town_path

from .editorial import hot_words_for
from .engine import search as run_search
from .models import DOC_TYPES
from .querylog import record
from .results import SearchResponse
from .suggest import did_you_mean, suggestions

# Per client address behind trusted proxies (home.clients.ratelimit_key); each view counts on its own.
RATE_KEY = "home.clients.ratelimit_key"
API_RATE = "60/m"  # a resident typing fast stays well under it
PAGE_RATE = API_RATE  # the results page: one request per search, so the same limit is generous
RETRY_AFTER_SECONDS = 60
FACET_GROUPS = [("category", "分类"), ("life_events", "人生事件"), ("level", "办理层级"), ("online", "办理方式")]

PER_PAGE = 10
FILTERS = ("doc_type", "category", "life_events", "level", "online")


def _services_url(request: HttpRequest) -> str:
    from services.models import ServiceIndexPage

    site = town_for_request(request)
    index = ServiceIndexPage.objects.live().descendant_of(site.root_page).first() if site else None
    return index.get_url(request) if index else ""


def town_root_path(request: HttpRequest) -> str:
    """The tree path of the town the request is for: search covers that town only."""
    return town_path(town_for_request(request))


def _limit(request: HttpRequest, default: int = 10) -> int:
    try:
        return max(1, min(int(request.GET.get("limit", default)), 50))
    except ValueError:
        return default


def too_many_requests() -> JsonResponse:
    return JsonResponse(
        {"error": "请求太频繁，请稍后再试。", "retry_after_seconds": RETRY_AFTER_SECONDS},
        status=429,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        json_dumps_params={"ensure_ascii": False},
    )


def too_many_searches(request: HttpRequest) -> TemplateResponse:
    """The results page's 429: a plain Chinese page that reads nothing from the database."""
    context = {"retry_after_minutes": max(1, RETRY_AFTER_SECONDS // 60)}
    return TemplateResponse(
        request, "search/too_many.html", context, status=429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def _log(request: HttpRequest, response: SearchResponse) -> None:
    """Count the search in the query log, once per client and day (``search.querylog``)."""
    if response.query:
        record(response.query, zero=response.total == 0, client=client_hash(request))


@ratelimit(key=RATE_KEY, rate=API_RATE, block=False)
def api_search(request: HttpRequest) -> JsonResponse:
    if getattr(request, "limited", False):
        return too_many_requests()
    response = run_search(request.GET.get("q", ""), town_root_path(request), limit=_limit(request), log=False)
    _log(request, response)
    return JsonResponse(response.as_json(), json_dumps_params={"ensure_ascii": False})


@ratelimit(key=RATE_KEY, rate=API_RATE, block=False)
def api_suggest(request: HttpRequest) -> JsonResponse:
    if getattr(request, "limited", False):
        return too_many_requests()
    query = request.GET.get("q", "")
    items = suggestions(query, town_root_path(request), limit=_limit(request, 8))
    return JsonResponse({"query": query[:100], "suggestions": items}, json_dumps_params={"ensure_ascii": False})


@ratelimit(key=RATE_KEY, rate=PAGE_RATE, block=False)
def search(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return too_many_searches(request)
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    root_path = town_root_path(request)
    response = run_search(
        request.GET.get("q", ""),
        root_path,
        filters=filters,
        limit=PER_PAGE,
        offset=(page_number - 1) * PER_PAGE,
        log=False,
    )
    _log(request, response)
    paginator = Paginator(range(response.total), PER_PAGE)
    context = {
        "search_query": response.query,
        "response": response,
        "results": response.results,
        "page_obj": paginator.get_page(page_number) if response.total else None,
        "filters": filters,
        "doc_types": DOC_TYPES,
        "facet_groups": FACET_GROUPS,
        "hot_words": hot_words_for(request),
        "services_url": _services_url(request),
        "did_you_mean": did_you_mean(response.query, root_path) if response.query and not response.results else "",
    }
    return TemplateResponse(request, "search/search.html", context)
