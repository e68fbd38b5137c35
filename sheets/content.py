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
from home.towns import town_of
from places.models import PlacePage
from services.models import CertificateEntryPage, CertificateListPage, ServiceItemPage
from services.values import OnlineMode

# Bump when the shape or the wording of a snapshot changes; older editions are re-made before rendering.
SNAPSHOT_FORMAT = 4

ITEM = "item"
CERTIFICATES = "certificates"
PLACE = "place"


@dataclass
class Section:
    """One block of a sheet.

    Every block prints at the sheet's one type size. ``more`` counts rows the
    editor chose to keep off the sheet (a material not ticked 列在明白纸上);
    the sheet says so (另有2项材料，扫码查看全部) with ``unit``, the counting word.
    """

    key: str
    label: str
    style: str  # text | inline | facts | checklist | steps | list | places | entries
    rows: list = field(default_factory=list)
    primary: bool = True
    more: int = 0
    unit: str = ""  # 项材料, 项条件, 个步骤, 个事项 ...

    def is_empty(self) -> bool:
        return not self.rows and not self.more


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


def first_sentence(text: str) -> str:
    """The text up to and including its first full stop (。！？), or all of it."""
    text = (text or "").strip()
    for index, char in enumerate(text):
        if char in "。！？" and index < len(text) - 1:
            return text[: index + 1]
    return text


def build_item(page) -> SheetContent:
    """The short guide (简版) a sheet prints: each part in its short form, in reading order.

    The full guide stays on the web page the QR code opens. Short forms come
    from the guide's optional sheet fields when an editor wrote them, else from
    the full text (the first sentence of the summary, a step's name).
    """
    town = TownSettings.for_site(town_of(page))
    trips = page.trips()  # a village 代办 item: 跑村里1次, never 最多跑0次
    promised, statutory = page.promised_limit, page.statutory_limit
    facts = [
        [
            "办理时限",
            f"承诺{promised}" if promised else "以窗口告知为准",
            f"法定{statutory}" if statutory and str(statutory) != str(promised) else "",
        ],
        ["收费", page.fee_display, ""],
        ["跑动次数", trips.label, ""],
    ]

    summary = getattr(page, "sheet_summary", "") or first_sentence(page.summary)
    who = [getattr(page, "sheet_eligibility", "") or page.eligibility or page.get_audience_display()]
    conditions = [getattr(condition, "sheet_text", "") or condition.text for condition in page.conditions.all()]

    materials, off_sheet = [], 0
    for material in page.materials.all():
        if not getattr(material, "on_sheet", True):
            off_sheet += 1
            continue
        short = getattr(material, "sheet_text", "")
        materials.append(
            {
                "main": short or f"{material.name}（{material.form}{material.copies}份）",
                "detail": "" if short or material.required else f"{material.condition}时提交",
            }
        )

    steps = [getattr(step, "sheet_text", "") or step.title for step in page.steps.all()]
    contact = page.contact_phones(town)
    phones = [
        f"{label} {phone}" for label, phone in (("咨询", contact.consultation), ("投诉", contact.complaint)) if phone
    ]

    online = [trips.how if trips.at_village else page.online_mode]
    url = page.effective_online_url(town)
    if url and page.online_mode != OnlineMode.COUNTER and not trips.at_village:
        online.append(f"网址：{url}")

    sections = [
        Section("summary", "这是什么事", "text", [summary] if summary else []),
        Section("who", "谁可以办", "text", who),
        Section("conditions", "申请条件", "list", conditions, unit="项条件"),
        Section("materials", "要带什么", "checklist", materials, more=off_sheet, unit="项材料"),
        Section("steps", "怎么办", "steps", steps, unit="个步骤"),
        Section("facts", "时限和收费", "facts", facts),
        Section("where", "到哪里办", "places", _where_rows(page)),
        Section("phones", "电话", "inline", phones),
        Section("online", "办理方式" if trips.at_village else "网上办理", "inline", online),
    ]
    return _content(ITEM, page, f"{page.category.name} · {page.responsible_unit.name}", sections)


VILLAGE_POINTS_EVERYWHERE = "全镇各村（社区）便民服务站"


def _where_rows(page) -> list[dict]:
    """Where and when: town offices with address and hours; village points, however many, on one line."""
    places = page.guide_places()
    rows = []
    for row in places.cards:
        place = row.place
        if places.compact:  # many offices: one line each
            rows.append({"name": place.title, "address": "", "hours": [], "note": ""})
            continue
        rows.append({"name": place.title, "address": place.address, "hours": _hours_rows(place), "note": row.note})
    if places.villages is not None:
        villages = places.villages
        name = VILLAGE_POINTS_EVERYWHERE if villages.everywhere else villages.line
        rows.append({"name": name, "address": "", "hours": [], "note": villages.note})
    if page.hours_note:
        rows.append({"name": "", "address": "", "hours": [page.hours_note], "note": ""})
    return rows


def build_certificate_list(page) -> SheetContent:
    entries = [
        {"code": entry.code, "name": entry.title, "how": entry.alternative} for entry in page.entries().specific()
    ]
    heading = page.alternative_heading
    sections = [
        Section("intro", "说明", "text", [page.intro] if page.intro else []),
        Section("entries", heading, "entries", entries, unit="项证明"),
        Section("basis", "依据", "text", [page.basis] if page.basis else []),
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
        Section("directions", "怎么走", "text", [page.directions] if page.directions else []),
        Section("windows", "窗口", "entries", windows, unit="个窗口"),
        Section("items", f"在这里办理的事项（{len(items)} 项）", "list", items, unit="个事项"),
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
