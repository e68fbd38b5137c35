"""Which pages have sheets, and the keys that name sheets, packs and the poster.

The page types with a sheet come from the output registry (``home.outputs``),
where ``sheets.content`` registers them; nothing here lists them again.
"""

from __future__ import annotations

from pathlib import Path

from wagtail.models import Page, Site

from home.models import TownSettings
from home.outputs import SHEET, registry
from home.towns import town_path
from places.models import PlaceKind, PlacePage

POSTER_KEY = "poster:ZM"
PACK_PREFIX = "pack:"
CERTIFICATE_CODES = ("ZM-Y", "ZM-N")


class SheetNotFound(Exception):
    """No live page with a sheet has this code."""


def sheet_page(site: Site, code: str, **filters) -> Page:
    """The live page in ``site`` whose sheet has ``code``.

    Only the page types whose code pattern matches are asked, so a request
    costs one query.
    """
    root_path = town_path(site)
    for model in registry.models(SHEET):
        if not model.code_is_valid(code):
            continue
        page = model.objects.live().filter(code=code, path__startswith=root_path, **filters).first()
        if page is not None:
            return page
    raise SheetNotFound(code)


def sheet_pages(site: Site) -> list[Page]:
    """Every live page in the site that has a sheet, by page type, each in tree order."""
    root_path = town_path(site)
    pages: list[Page] = []
    for model in registry.models(SHEET):
        pages.extend(model.objects.live().filter(path__startswith=root_path).order_by("path"))
    return pages


def village_points(site: Site):
    return PlacePage.objects.live().filter(kind=PlaceKind.VILLAGE_POINT, path__startswith=town_path(site))


def service_hall(site: Site) -> Page | None:
    """The town's service hall: the one chosen in the town settings, else the first live hall."""
    hall = TownSettings.for_site(site).service_hall
    if hall is not None and hall.live:
        return hall.specific
    return PlacePage.objects.live().filter(kind=PlaceKind.HALL, path__startswith=town_path(site)).first()


def all_keys(site: Site) -> list[str]:
    """Every sheet, pack and poster key of a town, in build order."""
    keys = [page.code for page in sheet_pages(site)]
    keys.extend(PACK_PREFIX + code for code in village_points(site).order_by("path").values_list("code", flat=True))
    if all(code in keys for code in CERTIFICATE_CODES):
        keys.append(POSTER_KEY)
    return keys


def output_path(out: Path, key: str) -> Path:
    """Where ``build_sheets --out`` writes the PDF for a key."""
    if key == POSTER_KEY:
        return out / "poster" / "ZM-A3.pdf"
    if key.startswith(PACK_PREFIX):
        return out / "pack" / f"{key.removeprefix(PACK_PREFIX)}.pdf"
    return out / f"{key}.pdf"
