"""Small presentation helpers shared by every template."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

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


def _public_base(context) -> str:
    town = town_settings(context)
    return town.public_base() if town is not None else ""


@register.simple_tag(takes_context=True)
def public_url(context, page: Page) -> str:
    """The page's address at the town's public address ('' when the town has none, e.g. only localhost)."""
    base = _public_base(context)
    parts = page.get_url_parts(context.get("request")) if base else None
    return f"{base}{parts[2]}" if parts else ""


def _css_string(text: str) -> str:
    """``text`` as the inside of a double-quoted CSS string, safe inside a <style> element."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>\n' else c for c in text)


@register.simple_tag(takes_context=True)
def print_address_style(context) -> str:
    """A print-only rule that prints each local link with the town's public address in front.

    CSS can join a fixed string and ``attr(href)``, so the page keeps its
    relative links (it works under any host) and paper still gets a full address.
    """
    base = _public_base(context)
    if not base:
        return ""
    rule = f'main a[href^="/"]::after {{ content: " (" "{_css_string(base)}" attr(href) ")"; }}'
    return mark_safe(f'<style media="print">{rule}</style>')  # escaped above for CSS
