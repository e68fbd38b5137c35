"""Which town a page belongs to.

One installation can host several towns, each a Wagtail site. Every question
of the form "which town is this page in" (code uniqueness, search scope, the
settings a sheet prints, the village points a guide counts) is answered here,
so the answer cannot differ between the web page, the index and the sheet.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.http import HttpRequest
from wagtail.models import Page, Site


def town_of(page: Page) -> Site | None:
    """The site (town) whose home page is ``page`` or one of its ancestors."""
    site = page.get_site()
    if site is not None:
        return site
    # A page outside any site's tree (only in half-built test trees): the
    # nearest site whose root is one of its ancestors, if any.
    paths = [page.path[:i] for i in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return Site.objects.filter(root_page__path__in=paths).order_by("-root_page__depth").first()


def town_for_request(request: HttpRequest | None) -> Site | None:
    """The town a request is for, else the default site."""
    site = Site.find_for_request(request) if request is not None else None
    return site or Site.objects.filter(is_default_site=True).select_related("root_page").first()


def town_root(page: Page) -> Page:
    """The home page of the page's town (its top ancestor below the tree root if it has no site)."""
    site = town_of(page)
    if site is not None:
        return site.root_page
    return page.get_ancestors(inclusive=True).filter(depth__gte=2).first() or page


def town_path(town: Site | Page) -> str:
    """The tree path every page of a town starts with; pass a site, or any page in the town."""
    if isinstance(town, Site):
        return town.root_page.path
    return town_root(town).path


def resolve_site(value: str | None) -> Site:
    """The town a management command names by ``--site`` (hostname[:port] or id), else the default site."""
    if not value:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("没有默认站点；请用 --site 指定站点的主机名或编号")
        return site
    if value.isdigit():
        site = Site.objects.filter(pk=int(value)).first()
    else:
        host, _, port = value.partition(":")
        sites = Site.objects.filter(hostname=host)
        site = sites.filter(port=int(port)).first() if port else sites.first()
    if site is None:
        raise CommandError(f"找不到站点 {value!r}")
    return site
