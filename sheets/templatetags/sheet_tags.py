from __future__ import annotations

from django import template
from django.urls import reverse

from sheets.content import has_sheet
from sheets.editions import stale_notice
from sheets.html import SHEET_PARAM

register = template.Library()


@register.inclusion_tag("sheets/includes/page_links.html", takes_context=True)
def sheet_links(context, page) -> dict:
    """The 打印明白纸 link for a page with a sheet, and the notice for a resident who scanned an old one."""
    request = context.get("request")
    if page is None or not getattr(page, "code", "") or not has_sheet(page):
        return {}
    scanned = request.GET.get(SHEET_PARAM) if request is not None else None
    links = {"sheet_url": reverse("sheets:sheet", args=[page.code]), "notice": stale_notice(page, scanned)}
    if getattr(page, "kind", "") == "village_point":
        links["pack_url"] = reverse("sheets:pack", args=[page.code])
    if page.code.startswith("ZM-"):
        links["poster_url"] = reverse("sheets:poster")
    return links
