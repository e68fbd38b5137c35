"""Sheet HTML from an edition's snapshot: single sheets, the A3 poster and pack covers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from home.models import TownSettings

from .models import SheetEdition
from .qr import is_printable_address, qr_data_uri, short_address
from .render import COVER_LEVEL, PART_LABELS, POSTER_STEPS, STEPS

# Bump when templates or sheet.css change, so cached PDFs are rendered again.
STYLE_VERSION = "2026-12-02.4"
SHEET_PARAM = "sheet"


def qr_target(base: str, code: str, number: int) -> str:
    """The short address of the sheet's edition on the town's public address (``/s/QH-MZ-001/3``);
    it redirects to the live page with ``?sheet=3``, which the page reads to spot stale sheets."""
    return short_address(base, code, number)


@dataclass(frozen=True)
class Presentation:
    """Town-wide facts printed on every sheet but not part of any edition."""

    town_name: str
    demo_notice: bool
    public_base: str = ""  # where the QR codes point: the town's public address, else the site's own

    @property
    def demo_address(self) -> bool:
        """The QR codes point at a local or demo address, which residents' phones cannot open."""
        return not is_printable_address(self.public_base)

    @classmethod
    def for_site(cls, site) -> Presentation:
        town = TownSettings.for_site(site)
        base = town.public_base() or site.root_url
        return cls(town_name=town.town_name or site.site_name, demo_notice=town.show_demo_notice, public_base=base)

    def key(self) -> str:
        return f"{self.town_name}|{int(self.demo_notice)}|{self.public_base}"


def render_key(editions: list[SheetEdition], presentation: Presentation, kind: str = "sheet") -> str:
    """Hash of everything a rendered PDF depends on; the cache key of RenderedSheet."""
    parts = [kind, STYLE_VERSION, presentation.key()]
    parts.extend(f"{e.pk}:{e.number}:{e.content_hash}" for e in editions)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# Characters of sheet text a step of the type ladder holds on one page, largest type first, one per
# half point (measured on the demo catalog, see docs/sheets.md); only a starting hint that fitting re-checks upward.
LEVEL_THRESHOLDS = (450, 485, 520, 560, 600, 640, 680, 720)


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


# What a sheet may leave out when even its smallest type does not fit: rows of these
# sections, one at a time from the one that still has the most (ties: the first named),
# never a section's last row. The sheet then says 另有N项…，扫码查看全部.
CUTTABLE = {"item": ("conditions", "materials", "steps"), "place": ("items", "windows")}
POSTER_CUT_LIST = "ZM-Y"
# A certificate list is never cut: it is split into parts, each a whole sheet (第1部分，共2部分).
SPLITTABLE = {"certificates": "entries"}


def sheet_plan(snapshot: dict) -> tuple[list[dict], dict]:
    """The sheet's sections with each row's cut rank, and the plan ``render.fit`` reads from the HTML.

    Rows get ``cut`` (the order in which they would be left out, 0 for never)
    and ``seq`` (their position, for splitting a list into parts). Each
    section that may lose rows gets a hidden note for every count it may
    lose; the note for rows an editor kept off the sheet shows from the start.
    """
    kind = snapshot.get("kind", "item")
    sections = []
    for section in snapshot.get("sections", []):
        rows = [{"value": row, "cut": 0, "seq": seq} for seq, row in enumerate(section["rows"])]
        sections.append(section | {"rows": rows})
    by_key = {section["key"]: section for section in sections}
    order = [key for key in CUTTABLE.get(kind, ()) if key in by_key]
    remaining = {key: len(by_key[key]["rows"]) for key in order}
    cuts: list[str] = []
    while candidates := [key for key in order if remaining[key] > 1]:
        key = max(candidates, key=lambda k: (remaining[k], -order.index(k)))
        remaining[key] -= 1
        cuts.append(key)
        by_key[key]["rows"][remaining[key]]["cut"] = len(cuts)
    for section in sections:
        base, unit = section.get("more", 0), section.get("unit", "")
        counts = range(max(base, 1), base + cuts.count(section["key"]) + 1) if unit else range(0)
        section["notes"] = [
            {"count": count, "text": f"另有{count}{unit}，扫码查看全部", "shown": count == base} for count in counts
        ]
    split = SPLITTABLE.get(kind, "")
    split_rows = by_key[split]["rows"] if split in by_key else []
    plan = {
        "cuts": cuts,
        "base": {s["key"]: s.get("more", 0) for s in sections if s.get("more", 0)},
        "units": {s["key"]: s.get("unit", "") for s in sections if s.get("unit")},
        "split": bool(split_rows),
        "weights": [len(str(row["value"])) + 20 for row in split_rows],  # a row's text plus its name line
    }
    return sections, plan


def _context(edition: SheetEdition, presentation: Presentation) -> dict:
    snapshot = edition.snapshot
    target = qr_target(presentation.public_base, edition.code, edition.number)
    return {
        "sheet": snapshot,
        "kind": snapshot.get("kind", "item"),
        "code": edition.code,
        "edition": edition,
        "town_name": presentation.town_name,
        "demo_notice": presentation.demo_notice,
        "demo_address": presentation.demo_address,
        "qr_target": target,
        "qr_uri": qr_data_uri(target),
    }


def _step(context: dict, level: int, steps: tuple[float, ...] = STEPS) -> dict:
    """The context for one step of the type ladder: its level, body size and the plan that carries it."""
    level = min(max(level, 0), len(steps) - 1)
    body_pt = steps[level]
    return context | {"level": level, "root_pt": f"{body_pt:g}", "plan": context.get("plan", {}) | {"body_pt": body_pt}}


def sheet_html(edition: SheetEdition, presentation: Presentation) -> Callable[[int], str]:
    """A function from a step of the type ladder (0 largest) to the sheet's HTML (the QR code is drawn once)."""
    context = _context(edition, presentation)
    sections, plan = sheet_plan(edition.snapshot)
    context |= {"sections": sections, "plan": plan, "part_labels": PART_LABELS if plan["split"] else []}
    return lambda level: render_to_string("sheets/sheet.html", _step(context, level))


def poster_html(editions: list[SheetEdition], presentation: Presentation, title: str) -> Callable[[int], str]:
    lists = [_context(edition, presentation) for edition in editions]
    context = {"lists": lists, "title": title, "town_name": presentation.town_name}
    # At 16 pt an A3 page holds every certificate, and every alternative, but not every issuing procedure
    # as well: those of the list that may be issued are the one thing the poster may leave to its QR code.
    may_issue = next((c for c in lists if c["code"] == POSTER_CUT_LIST), None)
    if may_issue is not None:
        rows = next((s["rows"] for s in may_issue["sheet"]["sections"] if s["key"] == "entries"), [])
        context |= {"cut_list": POSTER_CUT_LIST, "cut_key": "how", "cut_unit": "项证明的用途和出具程序"}
        context["plan"] = {
            "cuts": ["how"],
            "cut_sizes": {"how": len(rows)},
            "units": {"how": context["cut_unit"]},
        }
    context["demo_notice"] = presentation.demo_notice
    return lambda level: render_to_string("sheets/poster.html", _step(context, level, POSTER_STEPS))


def cover_html(edition: SheetEdition, presentation: Presentation, toc: list[tuple[str, str, int]]) -> str:
    """A pack's cover at the body size of the sheets' smallest step, so a long contents takes few pages."""
    context = _context(edition, presentation) | {"toc": toc}
    sections, _plan = sheet_plan(edition.snapshot)
    return render_to_string("sheets/pack_cover.html", _step(context | {"sections": sections}, COVER_LEVEL))
