"""Export service items, with their whole guides, as a spreadsheet (see ``catalog.workbook``).

``export_items(queryset, "xlsx" | "csv")`` is the one entry point: the admin's
导入导出 screen calls it for the whole catalog (or a department's items), the
guide workbench for its filtered list. It does not check permissions: callers
pass only items the user may see (``catalog.spreadsheet_admin.exportable_items``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from services.models import ServiceItemPage

from .fieldvalues import Documents, Values
from .merge import base_digests
from .workbook import XLSX_TYPE, ZIP_TYPE, write_csv_zip, write_xlsx

FORMATS = ("xlsx", "csv")

# The state keys each column of the 事项 sheet (and each list sheet) stands for; an
# import compares and writes only the keys of the columns and sheets it has.
COLUMN_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("title",),
    "category": ("category",),
    "department": ("responsible_unit",),
    "item_type": ("item_type",),
    "level": ("level",),
    "online": ("online_mode",),
    "max_trips": ("max_trips",),
    "life_events": ("life_events",),
    "audience": ("audience",),
    "keywords": ("keywords",),
    "summary": ("summary",),
    "sheet_summary": ("sheet_summary",),
    "eligibility": ("eligibility",),
    "sheet_eligibility": ("sheet_eligibility",),
    "statutory_limit": ("statutory_limit_unit", "statutory_limit_value"),
    "promised_limit": ("promised_limit_unit", "promised_limit_value"),
    "time_limit_note": ("time_limit_note",),
    "fee_standard": ("fee_charged", "fee_standard"),
    "fee_basis": ("fee_basis",),
    "hours_note": ("hours_note",),
    "online_url": ("online_url",),
    "online_note": ("online_note",),
    "trips_reason": ("trips_reason",),
    "result": ("result_name",),
    "result_delivery": ("result_delivery",),
    "consultation_phone": ("consultation_phone",),
    "complaint_phone": ("complaint_phone",),
    "related_certificates": ("related_certificates",),
    "related_items": ("related_items",),
    "town_item": ("town_item",),
    "last_reviewed": ("last_reviewed",),
}
PART_KEYS: dict[str, str] = {
    "conditions": "conditions",
    "materials": "materials",
    "steps": "steps",
    "legal_basis": "legal_bases",
    "faq": "faqs",
    "places": "item_places",
}
ITEM_KEYS: tuple[str, ...] = (*(k for keys in COLUMN_KEYS.values() for k in keys), *PART_KEYS.values())


def export_items(queryset: QuerySet | Iterable, format: str) -> HttpResponse:
    """The items (a queryset of ServiceItemPage or any pages, or a list) as an XLSX file or a zip of CSVs."""
    if format not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {format!r}; use one of {FORMATS}")
    rows, baseline = workbook_rows(_items(queryset))
    stamp = timezone.localdate().isoformat()
    if format == "xlsx":
        response = HttpResponse(write_xlsx(rows, baseline), content_type=XLSX_TYPE)
        filename = f"guides-{stamp}.xlsx"
    else:
        response = HttpResponse(write_csv_zip(rows, baseline), content_type=ZIP_TYPE)
        filename = f"guides-{stamp}-csv.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _items(queryset: QuerySet | Iterable) -> list[ServiceItemPage]:
    """Specific item pages in the order given, with what the export reads fetched in few queries."""
    if isinstance(queryset, QuerySet) and queryset.model is ServiceItemPage:
        return list(_prefetched(queryset))
    ids = list(queryset.values_list("pk", flat=True)) if isinstance(queryset, QuerySet) else [p.pk for p in queryset]
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(_prefetched(ServiceItemPage.objects.filter(pk__in=ids)), key=lambda p: order[p.pk])


def _prefetched(pages: QuerySet) -> QuerySet:
    return pages.select_related("category", "responsible_unit", "town_item").prefetch_related(
        "life_events",
        "related_certificates",
        "related_items",
        "conditions",
        "legal_bases",
        "materials__blank_form",
        "materials__sample",
        "steps",
        "faqs",
        "item_places__place",
    )


def workbook_rows(pages: Iterable[ServiceItemPage]) -> tuple[dict[str, list[dict]], dict[str, dict[str, str]]]:
    """Rows for every sheet, and per item the digests of its values as exported."""
    values = Values(Documents(settings.CONTENT_DIR))
    rows: dict[str, list[dict]] = {"items": [], **{key: [] for key in PART_KEYS}}
    baseline: dict[str, dict[str, str]] = {}
    for page in pages:
        rows["items"].append(item_row(page))
        for key, part_rows in part_rows_of(page).items():
            rows[key].extend(part_rows)
        baseline[page.code] = base_digests(values.of_page(page, ITEM_KEYS))
    return rows, baseline


def _joined(values: Iterable[str]) -> str:
    return "|".join(values)


def item_row(page: ServiceItemPage) -> dict[str, Any]:
    return {
        "code": page.code,
        "name": page.title,
        "category": page.category.name,
        "department": page.responsible_unit.name,
        "item_type": page.item_type,
        "level": page.level,
        "online": page.online_mode,
        "max_trips": page.max_trips,
        "life_events": _joined(sorted(e.name for e in page.life_events.all())),
        "audience": page.audience,
        "keywords": _joined(page.keyword_list()),
        "summary": page.summary,
        "sheet_summary": page.sheet_summary,
        "eligibility": page.eligibility,
        "sheet_eligibility": page.sheet_eligibility,
        "statutory_limit": str(page.statutory_limit or ""),
        "promised_limit": str(page.promised_limit or ""),
        "time_limit_note": page.time_limit_note,
        "fee_standard": page.fee_standard if page.fee_charged else "",
        "fee_basis": page.fee_basis if page.fee_charged else "",
        "hours_note": page.hours_note,
        "online_url": page.online_url,
        "online_note": page.online_note,
        "trips_reason": page.trips_reason,
        "result": page.result_name,
        "result_delivery": page.result_delivery,
        "consultation_phone": page.consultation_phone,
        "complaint_phone": page.complaint_phone,
        "related_certificates": _joined(sorted(c.code for c in page.related_certificates.all())),
        "related_items": _joined(sorted(i.code for i in page.related_items.all())),
        "town_item": page.town_item.code if page.town_item else "",
        "last_reviewed": page.last_reviewed.isoformat() if isinstance(page.last_reviewed, dt.date) else "",
    }


def _document_ref(document) -> str:
    return f"#{document.pk} {document.title}" if document is not None else ""


def part_rows_of(page: ServiceItemPage) -> dict[str, list[dict[str, Any]]]:
    code = page.code
    return {
        "conditions": [{"code": code, "text": c.text, "sheet": c.sheet_text} for c in page.conditions.all()],
        "materials": [
            {
                "code": code,
                "name": m.name,
                "form": m.form,
                "copies": m.copies,
                "medium": m.medium,
                "source": m.source,
                "required": "是" if m.required else "否",
                "condition": m.condition,
                "notes": m.notes,
                "blank_form": _document_ref(m.blank_form),
                "sample": _document_ref(m.sample),
                "on_sheet": "是" if m.on_sheet else "否",
                "sheet": m.sheet_text,
            }
            for m in page.materials.all()
        ],
        "steps": [
            {"code": code, "title": s.title, "description": s.description, "sheet": s.sheet_text}
            for s in page.steps.all()
        ],
        "legal_basis": [{"code": code, "document": b.document, "article": b.article} for b in page.legal_bases.all()],
        "faq": [{"code": code, "q": f.question, "a": f.answer} for f in page.faqs.all()],
        "places": [
            {"code": code, "place": p.place.code, "place_name": p.place.title, "note": p.note}
            for p in page.item_places.all()
        ],
    }
