"""What goes on a sheet: plain data built from live pages, independent of layout.

The same data is the sheet's *snapshot*: its hash decides whether a publish
made a new edition, and comparing two snapshots tells a resident holding an
old sheet which sections changed since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from django.utils.functional import cached_property
from wagtail.models import Page

from home.models import TownSettings
from home.outputs import SHEET, registry
from home.towns import town_of, town_path
from places.models import PlaceKind, PlacePage
from services.models import CertificateEntryPage, CertificateListPage, ServiceItemPage
from services.values import OnlineMode

# Bump when the shape or the wording of a snapshot changes; older editions are re-made before rendering.
SNAPSHOT_FORMAT = 3

ITEM = "item"
CERTIFICATES = "certificates"
PLACE = "place"


@dataclass
class Section:
    """One block of a sheet. ``primary`` blocks keep full type size when a sheet is tight."""

    key: str
    label: str
    style: str  # text | inline | facts | checklist | steps | list | places | entries
    rows: list = field(default_factory=list)
    primary: bool = True

    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class SheetContent:
    kind: str
    code: str
    title: str
    subtitle: str
    sections: list[Section]
    page_url: str

    def snapshot(self) -> dict:
        """The resident-visible content, for hashing and for 'what changed since'."""
        return {
            "format": SNAPSHOT_FORMAT,
            "title": self.title,
            "subtitle": self.subtitle,
            "sections": [asdict(section) for section in self.sections],
        }

    @cached_property
    def content_hash(self) -> str:
        return snapshot_hash(self.snapshot())


def snapshot_hash(snapshot: dict) -> str:
    encoded = json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def changed_sections(old: dict, new: dict) -> list[str]:
    """Labels of the sections that differ between two snapshots, in the new sheet's order."""
    before = {s["key"]: s for s in old.get("sections", [])}
    labels = []
    if old.get("title") != new.get("title"):
        labels.append("名称")
    for section in new.get("sections", []):
        previous = before.pop(section["key"], None)
        if previous is None or previous["rows"] != section["rows"]:
            labels.append(section["label"])
    labels.extend(s["label"] for s in before.values())  # sections that were dropped
    return labels


def build(page: Page) -> SheetContent:
    """Sheet content for any page that has a sheet."""
    page = page.specific
    builder = registry.builder(SHEET, page)
    if builder is None:
        raise ValueError(f"{type(page).__name__} has no clarity sheet")
    return builder(page)


def has_sheet(page_or_model) -> bool:
    return registry.has(SHEET, page_or_model)


def _content(kind: str, page, subtitle: str, sections: list[Section]) -> SheetContent:
    return SheetContent(
        kind=kind,
        code=page.code,
        title=page.title,
        subtitle=subtitle,
        sections=[section for section in sections if not section.is_empty()],
        page_url=page.get_full_url(),
    )


def _hours_rows(place) -> list[str]:
    rows = [f"{days} {times}" for days, times in place.weekly_hours()]
    rows.extend(place.hours_notes())
    if place.follows_public_holidays:
        rows.append("法定节假日休息，调休上班日照常办公")
    return rows


def build_item(page) -> SheetContent:
    town = TownSettings.for_site(town_of(page))
    trips = page.trips()  # a village 代办 item: 跑村里1次, never 最多跑0次
    promised, statutory = page.promised_limit, page.statutory_limit
    limit_notes = []
    if statutory and str(statutory) != str(promised):
        limit_notes.append(f"法定{statutory}")
    if page.time_limit_note:
        limit_notes.append(page.time_limit_note)
    facts = [
        ["办理时限", f"承诺{promised}" if promised else "以窗口告知为准", "；".join(limit_notes)],
        ["收费", page.fee_display, f"依据：{page.fee_basis}" if page.fee_charged and page.fee_basis else ""],
        ["跑动次数", trips.label, page.trips_reason],
    ]
    if page.result_name:
        facts.append(["办理结果", page.result_name, page.result_delivery])

    who = [page.eligibility or page.get_audience_display()]
    conditions = [condition.text for condition in page.conditions.all()]

    materials = []
    for material in page.materials.all():
        details = [] if material.required else [f"{material.condition}时提交"]
        if material.notes:
            details.append(material.notes)
        materials.append(
            {"main": f"{material.name}（{material.form}{material.copies}份）", "detail": "；".join(details)}
        )

    steps = [{"main": step.title, "detail": step.description} for step in page.steps.all()]
    places = _where_rows(page)
    contact = page.contact_phones(town)
    phones = [
        f"{label} {phone}" for label, phone in (("咨询", contact.consultation), ("投诉", contact.complaint)) if phone
    ]

    online = [trips.how if trips.at_village else page.online_mode]
    if page.online_note:
        online.append(page.online_note.rstrip("。"))
    url = page.effective_online_url(town)
    if url and page.online_mode != OnlineMode.COUNTER:
        online.append(f"网址：{url}")

    sections = [
        Section("summary", "这是什么事", "text", [page.summary] if page.summary else []),
        Section("who", "谁可以办", "text", who),
        Section("conditions", "申请条件", "list", conditions, primary=False),
        Section("materials", "要带什么", "checklist", materials),
        Section("steps", "怎么办", "steps", steps),
        Section("facts", "时限和收费", "facts", facts),
        Section("where", "到哪里办", "places", places),
        Section("phones", "电话", "inline", phones, primary=False),
        Section("online", "办理方式" if trips.at_village else "网上办理", "inline", online, primary=False),
    ]
    return _content(ITEM, page, f"{page.category.name} · {page.responsible_unit.name}", sections)


def _where_rows(page) -> list[dict]:
    """Town offices in full; village points, where many may take the same item, on one line."""
    rows, points, point_note = [], [], ""
    for row in page.item_places.select_related("place").all():
        place = row.place.specific
        if place.kind == PlaceKind.VILLAGE_POINT:
            points.append(place.title.removesuffix("便民服务站"))
            point_note = point_note or row.note
            continue
        rows.append({"name": place.title, "address": place.address, "hours": _hours_rows(place), "note": row.note})
    if points:
        total = _village_point_count(page)
        where = f"全镇{total}个都可以" if len(points) == total else "、".join(points)
        rows.append({"name": f"村（社区）便民服务站（{where}）", "address": "", "hours": [], "note": point_note})
    if page.hours_note:
        rows.append({"name": "", "address": "", "hours": [page.hours_note], "note": ""})
    return rows


def _village_point_count(page) -> int:
    return PlacePage.objects.live().filter(kind=PlaceKind.VILLAGE_POINT, path__startswith=town_path(page)).count()


def build_certificate_list(page) -> SheetContent:
    entries = [
        {"code": entry.code, "name": entry.title, "how": entry.alternative} for entry in page.entries().specific()
    ]
    heading = page.alternative_heading
    sections = [
        Section("intro", "说明", "text", [page.intro] if page.intro else [], primary=False),
        Section("entries", heading, "entries", entries),
        Section("basis", "依据", "text", [page.basis] if page.basis else [], primary=False),
    ]
    return _content(CERTIFICATES, page, f"共 {len(entries)} 项", sections)


def build_place(page) -> SheetContent:
    contact = [["地址", page.address, ""], ["电话", "、".join(page.phones()), ""]]
    windows = [
        {"code": w.code, "name": w.title, "how": f"电话 {w.phone}"}
        for w in page.get_children().live().specific().order_by("path")
        if hasattr(w, "phone")
    ]
    items = [f"{item.title}" for item in page.handled_items()]
    sections = [
        Section("contact", "地址和电话", "facts", contact),
        Section("hours", "办公时间", "list", _hours_rows(page)),
        Section("directions", "怎么走", "text", [page.directions] if page.directions else [], primary=False),
        Section("windows", "窗口", "entries", windows, primary=False),
        Section("items", f"在这里办理的事项（{len(items)} 项）", "list", items, primary=False),
    ]
    return _content(PLACE, page, page.get_kind_display(), sections)


def _item_affects(item) -> list[Page]:
    """An item's own sheet and the sheets of the places that list it."""
    return [item, *(row.place.specific for row in item.item_places.select_related("place"))]


def _entry_affects(entry) -> list[Page]:
    """A certificate entry has no sheet; its list's sheet shows it."""
    parent = entry.get_parent().specific
    return [parent] if isinstance(parent, CertificateListPage) else []


def _place_affects(place) -> list[Page]:
    """A place's sheet, the sheets of the items handled there, and its parent place's (a window's hall)."""
    affected: list[Page] = [place, *place.handled_items()]
    parent = place.get_parent().specific
    if isinstance(parent, PlacePage):
        affected.append(parent)
    return affected


def register_sheets() -> None:
    """The page types that print a sheet, and those shown on other pages' sheets."""
    registry.register(SHEET, ServiceItemPage, build_item, affects=_item_affects)
    registry.register(SHEET, CertificateListPage, build_certificate_list)
    registry.register(SHEET, CertificateEntryPage, affects=_entry_affects)
    registry.register(SHEET, PlacePage, build_place, affects=_place_affects)
