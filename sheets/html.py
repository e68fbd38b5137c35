"""Sheet HTML from an edition's snapshot: single sheets, the A3 poster and pack covers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from home.models import TownSettings

from .models import SheetEdition
from .qr import qr_data_uri

# Bump when templates or sheet.css change, so cached PDFs are rendered again.
STYLE_VERSION = "2026-11-22.19"
SHEET_PARAM = "sheet"


def qr_target(url: str, number: int) -> str:
    """The live page address with the sheet's edition, which the page reads to spot stale sheets."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{SHEET_PARAM}={number}"


@dataclass(frozen=True)
class Presentation:
    """Town-wide facts printed on every sheet but not part of any edition."""

    town_name: str
    demo_notice: bool

    @classmethod
    def for_site(cls, site) -> Presentation:
        town = TownSettings.for_site(site)
        return cls(town_name=town.town_name or site.site_name, demo_notice=town.show_demo_notice)

    def key(self) -> str:
        return f"{self.town_name}|{int(self.demo_notice)}"


def render_key(editions: list[SheetEdition], presentation: Presentation, kind: str = "sheet") -> str:
    """Hash of everything a rendered PDF depends on; the cache key of RenderedSheet."""
    parts = [kind, STYLE_VERSION, presentation.key()]
    parts.extend(f"{e.pk}:{e.number}:{e.content_hash}" for e in editions)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# Characters of text at which a sheet usually needs the next denser level
# (calibrated on the demo catalog, see docs/sheets.md); only a starting hint.
LEVEL_THRESHOLDS = (300, 450, 600)


def text_size(snapshot: dict) -> int:
    def size(value) -> int:
        if isinstance(value, str):
            return len(value)
        if isinstance(value, dict):
            return sum(size(v) for v in value.values())
        if isinstance(value, list):
            return sum(size(v) for v in value)
        return 0

    return sum(size(section["rows"]) for section in snapshot.get("sections", []))


def guess_level(snapshot: dict) -> int:
    size = text_size(snapshot)
    return sum(1 for threshold in LEVEL_THRESHOLDS if size > threshold)


def _context(edition: SheetEdition, presentation: Presentation) -> dict:
    snapshot = edition.snapshot
    target = qr_target(snapshot["url"], edition.number)
    return {
        "sheet": snapshot,
        "kind": snapshot.get("kind", "item"),
        "code": edition.code,
        "edition": edition,
        "town_name": presentation.town_name,
        "demo_notice": presentation.demo_notice,
        "qr_target": target,
        "qr_uri": qr_data_uri(target),
    }


def sheet_html(edition: SheetEdition, presentation: Presentation) -> Callable[[int], str]:
    """A function from layout level to the sheet's HTML (the QR code is drawn once)."""
    context = _context(edition, presentation)
    return lambda level: render_to_string("sheets/sheet.html", context | {"level": level})


def poster_html(editions: list[SheetEdition], presentation: Presentation, title: str) -> Callable[[int], str]:
    lists = [_context(edition, presentation) for edition in editions]
    context = {"lists": lists, "title": title, "town_name": presentation.town_name}
    context["demo_notice"] = presentation.demo_notice
    return lambda level: render_to_string("sheets/poster.html", context | {"level": level})


def cover_html(edition: SheetEdition, presentation: Presentation, toc: list[tuple[str, str, int]]) -> str:
    context = _context(edition, presentation) | {"toc": toc, "level": 0}
    return render_to_string("sheets/pack_cover.html", context)
