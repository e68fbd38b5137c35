"""Small presentation helpers shared by every template."""

from __future__ import annotations

import re

from django import template
from wagtail.models import Site

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """'0517-86810000' -> 'tel:051786810000' for a tap-to-call link."""
    return "tel:" + re.sub(r"[^\d+]", "", phone or "")


@register.simple_tag(takes_context=True)
def town_settings(context):
    """The TownSettings of the current site (None outside a request)."""
    from home.models import TownSettings

    request = context.get("request")
    if request is None:
        return None
    return TownSettings.for_request(request)


@register.simple_tag(takes_context=True)
def section_url(context, key: str) -> str:
    """URL of the current town's top-level section with this ``section_key`` ('services', 'notices' …).

    Memoised on the request: the header asks for every section on every page.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return ""
    if not hasattr(request, "_section_urls"):
        home = site.root_page.specific
        sections = home.sections() if hasattr(home, "sections") else {}
        request._section_urls = {name: page.get_url(request) for name, page in sections.items()}
    return request._section_urls.get(key, "")


@register.filter
def online_url(item, town) -> str:
    """An item's own online address, else the town's service portal."""
    return item.effective_online_url(town)


@register.filter
def get_item(mapping, key):
    """Dictionary lookup in templates: {{ facets|get_item:name }}."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def query_with(request, **changes) -> str:
    """The current query string with some parameters replaced."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
