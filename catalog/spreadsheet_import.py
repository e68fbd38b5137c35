"""Import service items from a spreadsheet (the shape ``export_items`` writes) into one site.

The catalog pipeline does the work: each 事项 row is checked by the reader's
own row check (``reader.item_from_row``), each guide by the guide schema
(``schema.GuideIn``) and the reader's reference check (``reader.GuideRefs``),
with the site's pages standing in for the catalog files; the desired state is
``state.item_state``; the loader merges it into the pages field by field
(``CatalogLoader.update_items``), in one transaction.

Every problem is reported with its sheet, row and a reason in Chinese, and
nothing is written while there is one. A spreadsheet only updates items that
exist on the site (new items come from the catalog files), only the fields of
the columns and list sheets it has. The base of the comparison is what the
spreadsheet was exported with (its hidden ``_导出基准`` sheet), else what the
page was last imported with: a field changed in the sheet that was also edited
in the admin since is a conflict, kept as the admin has it unless the editor
chooses to take the sheet's value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from pydantic import ValidationError
from wagtail.documents import get_document_model
from wagtail.models import Site

from home.models import TownSettings
from places.hours import ParsedHours
from places.models import PlacePage
from services.models import CertificateEntryPage, LifeEvent, ResponsibleUnit, ServiceCategory, ServiceItemPage

from .fieldvalues import digest
from .loader import CatalogLoader, LoadReport
from .merge import KEEP, PageMerge
from .problems import CatalogError, Problem, ProblemList
from .reader import Catalog, GuideRefs, ItemRecord, OfficeRecord, check_unique, item_from_row
from .schema import GuideIn, NoticesIn, TaxonomiesIn, TownIn
from .spreadsheet_export import COLUMN_KEYS, PART_KEYS
from .state import item_state
from .tables import Row, split_multi
from .workbook import ITEMS, PARTS, SheetData, Upload, read_upload

YES = {"是", "true", "1", "y", "yes", "必须", "√"}
NO = {"否", "false", "0", "n", "no", "非必须", "×"}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
DOCUMENT_CELL_RE = re.compile(r"^#?\s*(\d+)(\s.*)?$", re.S)

# The 事项 columns that are a guide key of the same name, as text.
TEXT_COLUMNS = (
    "summary",
    "sheet_summary",
    "eligibility",
    "sheet_eligibility",
    "hours_note",
    "trips_reason",
    "result",
    "result_delivery",
)
# Where a guide schema error lands: the 事项 column for a guide key (or a nested key) ...
ITEM_COLUMN_OF = {
    "summary": "summary",
    "sheet_summary": "sheet_summary",
    "eligibility": "eligibility",
    "sheet_eligibility": "sheet_eligibility",
    "hours_note": "hours_note",
    "trips_reason": "trips_reason",
    "result": "result",
    "result_delivery": "result_delivery",
    "related_certificates": "related_certificates",
    "related_items": "related_items",
    "town_item": "town_item",
    "last_reviewed": "last_reviewed",
    "fee": "fee_standard",
    ("time_limit", "statutory"): "statutory_limit",
    ("time_limit", "promised"): "promised_limit",
    ("time_limit", "note"): "time_limit_note",
    ("online", "url"): "online_url",
    ("online", "note"): "online_note",
    ("phones", "consultation"): "consultation_phone",
    ("phones", "complaint"): "complaint_phone",
}
# ... or a list sheet's row, with the sheet's column for the schema's field name.
PART_COLUMN_OF = {"conditions": {None: "text"}, "places": {"code": "place"}}
# The clarity sheet's short forms on the list sheets: a sheet without the column (exported before
# it existed, or made by hand) keeps each entry's short form, found by the entry's full text.
SHORT_FORMS = {
    "conditions": ("sheet", "conditions", "text", "sheet_text"),
    "steps": ("sheet", "steps", "title", "sheet_text"),
    "materials": ("on_sheet", "materials", "name", "on_sheet"),
    "material_sheet": ("sheet", "materials", "name", "sheet_text"),
}

UNKNOWN_UNIT = "不是后台已有的责任单位（见“分类与单位 → 责任单位”）"
REF_MESSAGES = {
    "unknown_place": "办事地点 {code} 在本站找不到",
    "unknown_certificate": "证明事项 {code} 在本站找不到",
    "not_other_item": "{code} 不是本站的另一个事项",
    "town_item_not_village": "只有村级代办事项才填写对应镇级事项",
    "town_item_not_town": "{code} 不是本站的镇级事项",
}


@dataclass
class ImportResult:
    """What a spreadsheet import found (problems) or did (the loader's report)."""

    problems: list[Problem] = field(default_factory=list)
    report: LoadReport | None = None
    rows: int = 0
    dry_run: bool = True
    with_baseline: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and self.report is not None

    @property
    def pages(self) -> list[PageMerge]:
        return self.report.pages if self.report else []

    @property
    def changed(self) -> list[PageMerge]:
        return [p for p in self.pages if p.writes]

    @property
    def conflicts(self) -> int:
        return sum(len(p.conflicts) for p in self.pages)

    @property
    def unchanged(self) -> int:
        return self.rows - len(self.changed)

    def plan_digest(self) -> str:
        """A digest of every change found, to make sure the changes applied are the ones previewed."""
        parts = sorted(
            (page.code, c.key, digest(c.current), digest(c.incoming))
            for page in self.pages
            for c in page.changes
            if c.outcome != KEEP  # an admin edit kept is no change
        )
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def import_spreadsheet(
    site: Site, filename: str, data: bytes, *, dry_run: bool = True, take_file: bool = False
) -> ImportResult:
    """Check an uploaded spreadsheet and (unless ``dry_run``) apply it in one transaction."""
    problems = ProblemList()
    upload = read_upload(filename, data, problems)
    if upload is None or problems:
        return ImportResult(sorted_problems(problems), dry_run=dry_run)
    plan = SheetPlan(site, upload, problems)
    plan.check()
    result = ImportResult(
        sorted_problems(problems), rows=len(plan.records), dry_run=dry_run, with_baseline=bool(upload.baseline)
    )
    # With any problem nothing is written, but the dry run still shows what the good items would change.
    loader = CatalogLoader(site, plan.catalog(), take_file=take_file)
    try:
        result.report = loader.update_items(plan.states(), plan.keys(), plan.bases(), dry_run=dry_run or bool(problems))
    except CatalogError as exc:
        result.problems = sorted_problems([*problems, *(plan.locate_page_problem(p) for p in exc.problems)])
    return result


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in the workbook's order: sheet by sheet (事项 first), row by row; file-wide ones first."""
    order = {spec.name: n for n, spec in enumerate((ITEMS, *PARTS))}
    return sorted(problems, key=lambda p: (order.get(p.file, -1), p.line or 0))


class SheetPlan:
    """The checks of one upload against one site, and the states it asks for."""

    def __init__(self, site: Site, upload: Upload, problems: ProblemList):
        self.site = site
        self.upload = upload
        self.problems = problems
        root = site.root_page
        self.site_items = {p.code: p for p in ServiceItemPage.objects.descendant_of(root)}
        places = PlacePage.objects.descendant_of(root).order_by("path").prefetch_related("departments_served")
        self.offices = [
            OfficeRecord(
                0,
                p.code,
                p.kind,
                p.title,
                "",
                p.address,
                p.phone,
                ParsedHours(),
                tuple(u.name for u in p.departments_served.all()),
            )
            for p in places
        ]
        self.cert_codes = set(CertificateEntryPage.objects.descendant_of(root).values_list("code", flat=True))
        self.items_sheet: SheetData | None = upload.sheets.get(ITEMS.key)
        # code -> (record, its 事项 row), for valid rows of items on the site
        self.records: dict[str, tuple[ItemRecord, Row]] = {}
        self.guides: dict[str, GuideIn] = {}
        self.parts: dict[str, dict[str, list[Row]]] = {}
        # Items with a problem in any of their rows: left out of the dry run's changes.
        self.bad: set[str] = set()

    # -- checks --------------------------------------------------------------------

    def check(self) -> None:
        sheet = self.items_sheet
        if sheet is None:
            self.problems.add(ITEMS.name, None, f"缺少工作表“{ITEMS.name}”（每个事项一行）")
            return
        listed = self._check_items(sheet)
        self._group_parts(listed)
        for code, (record, row) in self.records.items():
            found = len(self.problems)
            guide = self._guide(code, record, row)
            if guide is not None:
                self.guides[code] = guide
            if guide is None or len(self.problems) > found:
                self.bad.add(code)
        self._check_references(listed)

    def _check_items(self, sheet: SheetData) -> set[str]:
        if not sheet.rows:
            self.problems.add(sheet.name, None, "没有任何事项（第 1 行是表头，从第 2 行起每行一个事项）")
        categories = set(ServiceCategory.objects.values_list("name", flat=True))
        life_events = set(LifeEvent.objects.values_list("name", flat=True))
        # Places come from the sheet (or stay), so any unit the site knows will do.
        units = set(ResponsibleUnit.objects.values_list("name", flat=True))
        for row in sheet.rows:
            record = item_from_row(row, sheet.name, categories, life_events, units, self.problems, UNKNOWN_UNIT)
            if record is None:
                continue
            if record.code not in self.site_items:
                self.problems.add(
                    sheet.name,
                    row.line,
                    f"编码 {record.code} 在本站没有对应的事项（表格导入只修改已有事项，新增事项请用目录导入）",
                )
                continue
            self.records[record.code] = (record, row)
        check_unique([(r["code"], r.line) for r in sheet.rows if r["code"]], sheet.name, "编码", self.problems)
        check_unique([(r["name"], r.line) for r in sheet.rows if r["name"]], sheet.name, "事项名称", self.problems)
        return {r["code"] for r in sheet.rows if r["code"]}

    def _group_parts(self, listed: set[str]) -> None:
        for spec in PARTS:
            sheet = self.upload.sheets.get(spec.key)
            if sheet is None:
                continue
            grouped = self.parts[spec.key] = {}
            for row in sheet.rows:
                code = row["code"]
                if not code:
                    self.problems.add(sheet.name, row.line, "缺少编码（这一条属于哪个事项）")
                elif code not in listed:
                    self.problems.add(sheet.name, row.line, f"编码 {code} 不在“{ITEMS.name}”工作表中")
                else:
                    grouped.setdefault(code, []).append(row)

    def _guide(self, code: str, record: ItemRecord, row: Row) -> GuideIn | None:
        """The item's guide from its row and list rows. A bad cell is left out (and reported) so the
        rest is still checked: the editor sees every problem at once."""
        data = {"code": code, **self._item_guide_fields(row)}
        for spec in PARTS:
            if spec.key in self.parts:
                rows = self.parts[spec.key].get(code, [])
                data[spec.key] = [self._part_entry(spec.key, r) for r in rows]
        if "places" not in self.parts:
            # Without a 办理地点 sheet the places stay; the state still needs them (main place, phones).
            page = self.site_items[code]
            data["places"] = [{"code": p.place.code, "note": p.note} for p in page.item_places.all()]
        try:
            return GuideIn.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                if _other_union_branch(err["loc"]):
                    continue
                sheet, line, column = self._locate(code, row, err["loc"])
                reason = chinese_reason(err)
                self.problems.add(sheet, line, f"{column}：{reason}" if column else reason)
            return None

    def _has(self, column: str) -> bool:
        return self.items_sheet is not None and column in self.items_sheet.columns

    def _item_guide_fields(self, row: Row) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in TEXT_COLUMNS:
            if self._has(key):
                data[key] = row[key]
        if self._has("statutory_limit"):
            data["time_limit"] = {
                "statutory": row["statutory_limit"] or None,
                "promised": row["promised_limit"] or None,
                "note": row["time_limit_note"],
            }
        if self._has("fee_standard"):
            data["fee"] = self._fee(row)
        if self._has("online_url"):
            data["online"] = {"url": row["online_url"] or None, "note": row["online_note"]}
        if self._has("consultation_phone"):
            data["phones"] = {
                "consultation": row["consultation_phone"] or None,
                "complaint": row["complaint_phone"] or None,
            }
        for key in ("related_certificates", "related_items"):
            if self._has(key):
                data[key] = split_multi(row[key])
        if self._has("town_item"):
            data["town_item"] = row["town_item"] or None
        if self._has("last_reviewed"):
            data["last_reviewed"] = self._date(row, "last_reviewed")
        return data

    def _fee(self, row: Row) -> Any:
        standard, basis = row["fee_standard"], row["fee_basis"]
        if not standard and not basis:
            return "不收费"
        if not (standard and basis):
            self.problems.add(
                self.items_sheet.name, row.line, "收费的事项要同时填写收费标准和收费依据；不收费请两列都留空"
            )
            return "不收费"  # reported; the rest of the guide is still checked
        return {"standard": standard, "basis": basis}

    def _date(self, row: Row, key: str) -> str | None:
        text = row[key]
        if not text:
            return None
        match = DATE_RE.match(text)
        try:
            if not match:
                raise ValueError
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            label = ITEMS.column(key).label
            self.problems.add(self.items_sheet.name, row.line, f"{label}：{text!r} 不是日期，应写成 2026-10-15")
            return None

    def _part_entry(self, key: str, row: Row) -> Any:
        values = row.values
        if key == "conditions":
            return {"text": values["text"], "sheet": self._short_form(key, row)}
        if key == "legal_basis":
            return {"document": values["document"], "article": values["article"]}
        if key == "steps":
            return {"title": values["title"], "description": values["description"], "sheet": self._short_form(key, row)}
        if key == "faq":
            return {"q": values["q"], "a": values["a"]}
        if key == "places":
            return self._place_entry(row)
        return self._material(row)

    def _place_entry(self, row: Row) -> dict[str, str]:
        return {"code": row["place"], "note": row["note"]}

    def _material(self, row: Row) -> dict[str, Any]:
        sheet = self.upload.sheets["materials"].name
        values = row.values
        entry: dict[str, Any] = {
            "name": values["name"],
            "form": values["form"] or "原件",
            "medium": values["medium"] or "纸质",
            "source": values["source"],
            "condition": values["condition"],
            "notes": values["notes"],
        }
        copies = values["copies"] or "1"
        if not copies.isdigit() or not 1 <= int(copies) <= 20:
            self.problems.add(sheet, row.line, f"份数：{copies!r} 应为 1 到 20 的整数")
        else:
            entry["copies"] = int(copies)
        required = (values["required"] or "是").strip().lower()
        if required in YES:
            entry["required"] = True
        elif required in NO:
            entry["required"] = False
        else:
            self.problems.add(sheet, row.line, f"必须提交：{values['required']!r} 应填“是”或“否”")
        for key, label in (("blank_form", "空白表格"), ("sample", "填写样例")):
            entry[key] = self._document(sheet, row, key, label)
        entry["sheet"] = self._short_form("material_sheet", row)
        on_sheet = self._short_form("materials", row)
        if isinstance(on_sheet, bool):
            entry["on_sheet"] = on_sheet
        elif on_sheet.strip().lower() in YES | {""}:
            entry["on_sheet"] = True
        elif on_sheet.strip().lower() in NO:
            entry["on_sheet"] = False
        else:
            self.problems.add(sheet, row.line, f"列在明白纸上：{on_sheet!r} 应填“是”或“否”")
        return entry

    def _short_form(self, key: str, row: Row) -> Any:
        """The short form a list row gives; without that column, the one the page has for the same entry."""
        column, relation, matched_by, field_name = SHORT_FORMS[key]
        if column in self.upload.sheets[relation].columns:
            return row[column]
        page = self.site_items[row["code"]]
        same = row[matched_by]
        current = next((child for child in getattr(page, relation).all() if getattr(child, matched_by) == same), None)
        default = page._meta.get_field(relation).related_model._meta.get_field(field_name).get_default()
        return getattr(current, field_name) if current is not None else default

    def _document(self, sheet: str, row: Row, key: str, label: str) -> str | None:
        text = row[key]
        if not text:
            return None
        match = DOCUMENT_CELL_RE.match(text)
        if not match:
            self.problems.add(sheet, row.line, f"{label}：{text!r} 应填后台文档库中的文档编号，如 #12")
            return None
        pk = int(match.group(1))
        if not get_document_model().objects.filter(pk=pk).exists():
            self.problems.add(sheet, row.line, f"{label}：文档库中没有编号为 #{pk} 的文档")
            return None
        return f"#{pk}"

    def _check_references(self, listed: set[str]) -> None:
        levels = {code: page.level for code, page in self.site_items.items()}
        levels.update({code: record.level for code, (record, _row) in self.records.items()})
        refs = GuideRefs(levels, listed - set(self.records), [o.code for o in self.offices], self.cert_codes)
        for code, guide in self.guides.items():
            record, row = self.records[code]
            for problem in refs.problems(guide, record.level):
                loc = (problem.key, problem.index) if problem.key == "places" else (problem.key,)
                sheet, line, column = self._locate(code, row, loc)
                reason = REF_MESSAGES[problem.rule].format(code=problem.code)
                self.problems.add(sheet, line, f"{column}：{reason}" if column else reason)
                self.bad.add(code)

    def _locate(self, code: str, row: Row, loc: tuple) -> tuple[str, int | None, str | None]:
        """The sheet, row and column label a guide schema location (``('materials', 2, 'copies')``) stands for."""
        head = loc[0] if loc else None
        spec = next((s for s in PARTS if s.key == head), None)
        if spec is not None and len(loc) >= 2 and isinstance(loc[1], int) and spec.key in self.parts:
            rows = self.parts[spec.key].get(code, [])
            line = rows[loc[1]].line if loc[1] < len(rows) else None
            name = next((p for p in loc[2:] if isinstance(p, str) and p[:1].islower()), None)
            column_key = PART_COLUMN_OF.get(spec.key, {}).get(name, name)
            column = next((c.label for c in spec.columns if c.key == column_key), None)
            return self.upload.sheets[spec.key].name, line, column
        key = ITEM_COLUMN_OF.get(tuple(loc[:2])) or ITEM_COLUMN_OF.get(head)
        column = ITEMS.column(key).label if key else None
        return self.items_sheet.name, row.line, column

    # -- what to load --------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """The site's places and town standing in for the catalog files the states are computed from."""
        town = TownSettings.for_site(self.site)
        hall = town.service_hall.specific.code if town.service_hall_id else None
        hall = hall or next((o.code for o in self.offices if o.kind == "hall"), "")
        items = [dataclasses.replace(self.records[code][0], guide=self.guides[code]) for code in self.good()]
        return Catalog(
            items=items,
            certificates=[],
            offices=self.offices,
            town=TownIn.model_construct(hall=hall, complaint_phone=town.complaint_phone or None),
            taxonomies=TaxonomiesIn.model_construct(categories=[], life_events=[], units=[]),
            notices=NoticesIn(notices=[]),
            content_dir=settings.CONTENT_DIR,
        )

    def states(self):
        catalog = self.catalog()
        states = [item_state(item, catalog, {}) for item in catalog.items]
        if self._has("consultation_phone"):
            # A blank phone stays blank: the page then shows its main place's (or the town's) phone,
            # as the catalog's default would, and an exported sheet comes back unchanged.
            for state in states:
                _record, row = self.records[state.code]
                state.fields["consultation_phone"] = row["consultation_phone"]
                state.fields["complaint_phone"] = row["complaint_phone"]
        return states

    def good(self) -> list[str]:
        """The items whose rows are all well formed, in sheet order."""
        return [code for code in self.records if code in self.guides and code not in self.bad]

    def keys(self) -> dict[str, set[str]]:
        if self.items_sheet is None:
            return {}
        keys = {k for column in self.items_sheet.columns for k in COLUMN_KEYS.get(column, ())}
        keys |= {PART_KEYS[key] for key in self.parts}
        return {code: set(keys) for code in self.good()}

    def bases(self) -> dict[str, dict[str, str] | None]:
        return {code: self.upload.baseline.get(code) for code in self.good()}

    def locate_page_problem(self, problem: Problem) -> Problem:
        """A problem the loader found on a page (by code) as one on the item's 事项 row."""
        found = self.records.get(problem.file)
        if found is None:
            return problem
        return Problem(self.items_sheet.name, found[1].line, f"{problem.file}：{problem.reason}")


# -- pydantic's messages in Chinese ------------------------------------------------------------------


def _other_union_branch(loc: tuple) -> bool:
    """A place (condition) is a code (text) or a mapping; the sheet always gives the second, so errors of the first
    are noise."""
    return len(loc) >= 3 and loc[0] in ("places", "conditions") and loc[2] == "str"


# Schema messages written for guide files (naming YAML keys), as a spreadsheet's reader knows the columns.
SHEET_WORDING = {
    "required: false 的材料必须写 condition（在什么情形下提交）": "必须提交为“否”时要写明提交情形（在什么情形下提交）",
}


def chinese_reason(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    value = err.get("input")
    if kind == "value_error":
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        return SHEET_WORDING.get(message, message)
    if kind in ("string_too_long", "too_long"):
        length = f"（现在 {len(value)} 个）" if isinstance(value, str) else ""
        return f"最多 {ctx.get('max_length')} 个字{length}"
    if kind in ("string_too_short", "too_short", "missing"):
        return "不能为空"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{value!r} 应为 {'、'.join(choices)} 之一" if choices else "取值不在允许的范围内"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{value!r} 应为整数"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind.startswith("url_"):
        return f"{value!r} 不是有效的网址（应以 http:// 或 https:// 开头）"
    if kind == "string_pattern_mismatch":
        return f"{value!r} 格式不对"
    if kind.startswith("date_"):
        return f"{value!r} 不是日期，应写成 2026-10-15"
    if kind.startswith("bool_"):
        return f"{value!r} 应填“是”或“否”"
    return str(err.get("msg", kind))
