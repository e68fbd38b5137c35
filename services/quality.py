"""Guide quality rules, drawn from provincial guide-writing rules (办事指南编制规范).

Model validation refuses data that is wrong; these rules flag guides that are
incomplete or unhelpful, so an editor can still save a draft while writing.
They run from ``check_guides``, the admin report and the edit form.

A few problems are **blocking**: a guide without materials, steps, phones or a
legal basis, or charging a fee with no standard, would print an almost empty
clarity sheet, so it cannot be published or approved until they are fixed
(``blocking_problems``). The rest are advisory: shown, never in the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .values import ItemType, LimitUnit, OnlineMode, phone_has_area_code

SUMMARY_MAX = 60
LICENSING_MIN_FAQS = 2
# The clarity sheet (明白纸) prints each condition's short form, else its full text: a condition
# this long takes three lines or more there. Short forms themselves should stay within one line.
SHEET_CONDITION_MAX = 60
SHEET_SHORT_MAX = {"sheet_summary": 40, "sheet_eligibility": 28, "conditions": 30, "steps": 20, "materials": 24}
# 申请对象 printed in full on the sheet takes three lines or more beyond this.
SHEET_ELIGIBILITY_MAX = 60

# Catch-all clauses that tell a resident nothing they can check themselves.
CATCH_ALL = re.compile(
    r"其他法律法规|法律、?法规规定的其他|规定的其他条件|其他条件|符合相关规定|相关规定的|其他情形|等其他"
)
NOT_A_FEE = {"无", "免费", "不收费", "0", "0元", "无收费"}
COMMITTEE_SOURCE = re.compile(r"村|居委会|居民委员会|社区")


# What editors call each checked field; inline rows read as 申请材料第2项.
FIELD_LABELS = {
    "max_trips": "最多跑几次",
    "trips_reason": "需要到现场的原因",
    "fee_standard": "收费标准",
    "fee_basis": "收费依据",
    "consultation_phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
    "statutory_limit": "法定时限",
    "promised_limit": "承诺时限",
    "materials": "申请材料",
    "legal_basis": "设定依据",
    "steps": "办理流程",
    "faq": "常见问题",
    "conditions": "受理条件",
    "summary": "一句话简介",
    "sheet_summary": "明白纸上的一句话简介",
    "sheet_eligibility": "明白纸上的申请对象",
}
# Where each field sits on the edit form (the tab to open), for the message that links to it.
FIELD_TABS = {
    "conditions": "申请条件与材料",
    "materials": "申请条件与材料",
    "steps": "办理",
    "max_trips": "办理",
    "trips_reason": "办理",
    "fee_standard": "办理",
    "fee_basis": "办理",
    "statutory_limit": "办理",
    "promised_limit": "办理",
    "consultation_phone": "咨询、依据与问答",
    "complaint_phone": "咨询、依据与问答",
    "legal_basis": "咨询、依据与问答",
    "faq": "咨询、依据与问答",
    "summary": "基本信息",
    "sheet_summary": "基本信息",
    "sheet_eligibility": "申请条件与材料",
}
INLINE_ROW = re.compile(r"^(\w+)\[(\d+)\]$")


def field_label(field: str) -> str:
    """'fee_standard' -> '收费标准'; 'materials[2]' -> '申请材料第2项'."""
    row = INLINE_ROW.match(field)
    if row:
        return f"{FIELD_LABELS.get(row.group(1), row.group(1))}第{row.group(2)}项"
    return FIELD_LABELS.get(field, field)


@dataclass(frozen=True)
class GuideProblem:
    code: str
    field: str
    rule: str
    blocking: bool = False

    def __str__(self) -> str:
        return f"{self.code} {self.label}: {self.rule}"

    @property
    def label(self) -> str:
        return field_label(self.field)

    @property
    def tab(self) -> str:
        row = INLINE_ROW.match(self.field)
        return FIELD_TABS.get(row.group(1) if row else self.field, "")


class Blocking(tuple):
    """A (field, message) a rule yields that stops publishing and approval."""


def blocking(field: str, message: str) -> Blocking:
    return Blocking((field, message))


Check = Callable[["object"], Iterator[tuple[str, str]]]
RULES: list[Check] = []


def rule(func: Check) -> Check:
    RULES.append(func)
    return func


@rule
def online_and_trips(item):
    if item.online_mode == OnlineMode.FULLY_ONLINE and item.max_trips != 0:
        yield "max_trips", "全程网办的事项最多跑次数应为 0"
    if item.max_trips != 0 and not item.trips_reason.strip():
        yield "trips_reason", f"最多跑{item.max_trips}次，须写明需要到现场的原因"


@rule
def fee(item):
    if item.fee_charged:
        if not item.fee_standard.strip() or item.fee_standard.strip() in NOT_A_FEE:
            yield blocking("fee_standard", "收费事项须写明收费标准")
        if not item.fee_basis.strip():
            yield "fee_basis", "收费事项须写明收费依据"
    elif item.fee_standard.strip() or item.fee_basis.strip():
        yield "fee_standard", "不收费的事项应显示“不收费”，不要填写收费标准或依据（如“无”）"


@rule
def phones(item):
    """The phones a resident is shown (the item's own, else its place's or the town's) must be usable."""
    phones = item.contact_phones(getattr(item, "_town_settings", None))
    consultation, complaint = phones.consultation.strip(), phones.complaint.strip()
    if not consultation:
        yield blocking("consultation_phone", "缺少咨询电话")
    elif not phone_has_area_code(consultation):
        yield "consultation_phone", "咨询电话须带区号，如 0517-86810000"
    if not complaint:
        yield blocking("complaint_phone", "缺少监督投诉电话")
    elif not phone_has_area_code(complaint):
        yield "complaint_phone", "监督投诉电话须带区号，如 0517-86810099"
    if consultation and consultation == complaint:
        yield "complaint_phone", "监督投诉电话不能与咨询电话相同"


@rule
def time_limits(item):
    statutory, promised = item.statutory_limit, item.promised_limit
    if statutory is None:
        yield "statutory_limit", "缺少法定时限（没有法定时限的填“无”）"
    if promised is None:
        yield "promised_limit", "缺少承诺时限"
    if statutory and promised:
        if promised.exceeds(statutory):
            yield "promised_limit", f"承诺时限（{promised}）超过法定时限（{statutory}）"
        if statutory.unit == LimitUnit.IMMEDIATE and not promised.is_immediate:
            yield "promised_limit", "法定即办的事项承诺时限也应为“即办”"


@rule
def materials(item):
    committee_only = item._committee_must_not_issue
    rows = list(item.materials.all())
    if not rows:
        yield blocking("materials", "至少需要一项申请材料（确实无需材料的，写明“无需提交材料”并注明原因）")
    for index, material in enumerate(rows, start=1):
        where = f"materials[{index}]"
        if not material.name.strip():
            yield where, "材料缺少名称"
        if not material.form:
            yield where, "材料缺少原件/复印件说明"
        if not material.copies:
            yield where, "材料缺少份数"
        banned = committee_only.get(material.name.strip())
        if banned and COMMITTEE_SOURCE.search(material.source or ""):
            yield where, f"要求村（居）委会出具“{material.name}”，该证明在不应出具清单中（{banned}）"


@rule
def basis_and_steps(item):
    bases = list(item.legal_bases.all())
    if not bases:
        yield blocking("legal_basis", "至少需要一条设定依据")
    for index, basis in enumerate(bases, start=1):
        if "《" not in basis.document:
            yield f"legal_basis[{index}]", "依据文件名称应带书名号《》"
    if not item.steps.all():
        yield blocking("steps", "至少需要一个办理环节")


@rule
def faqs(item):
    count = len(item.faqs.all())
    if item.item_type == ItemType.LICENSING and count < LICENSING_MIN_FAQS:
        yield "faq", f"行政许可事项至少需要 {LICENSING_MIN_FAQS} 条常见问题，现有 {count} 条"
    elif count < 1:
        yield "faq", "至少需要 1 条常见问题"


@rule
def conditions(item):
    rows = list(item.conditions.all())
    if not rows:
        yield "conditions", "缺少受理条件"
    for index, condition in enumerate(rows, start=1):
        match = CATCH_ALL.search(condition.text)
        if match:
            yield f"conditions[{index}]", f"兜底条款“{match.group(0)}”不是居民能自己核对的条件，请写具体"


@rule
def summary(item):
    text = item.summary.strip()
    if not text:
        yield "summary", "缺少一句话简介"
    elif len(text) > SUMMARY_MAX:
        yield "summary", f"一句话简介 {len(text)} 字，超过 {SUMMARY_MAX} 字"


def _sheet_eligibility(item):
    """申请对象 on the sheet: its short form within one line, or a full text short enough to print."""
    short, full = item.sheet_eligibility.strip(), item.eligibility.strip()
    limit = SHEET_SHORT_MAX["sheet_eligibility"]
    if len(short) > limit:
        yield "sheet_eligibility", f"明白纸上的申请对象 {len(short)} 字，建议不超过 {limit} 字"
    elif not short and len(full) > SHEET_ELIGIBILITY_MAX:
        yield (
            "sheet_eligibility",
            f"申请对象有 {len(full)} 字，明白纸上放不下，建议填写“明白纸上的申请对象”（{limit} 字以内）",
        )


@rule
def sheet_short_forms(item):
    """Advisory: the clarity sheet is one page in large type; long text needs the editor's short form."""
    limits = SHEET_SHORT_MAX
    text = item.sheet_summary.strip()
    if len(text) > limits["sheet_summary"]:
        yield "sheet_summary", f"明白纸上的一句话简介 {len(text)} 字，建议不超过 {limits['sheet_summary']} 字"
    yield from _sheet_eligibility(item)
    for index, condition in enumerate(item.conditions.all(), start=1):
        short = condition.sheet_text.strip()
        if short and len(short) > limits["conditions"]:
            yield f"conditions[{index}]", f"明白纸上的简写 {len(short)} 字，建议不超过 {limits['conditions']} 字"
        elif not short and len(condition.text.strip()) > SHEET_CONDITION_MAX:
            yield (
                f"conditions[{index}]",
                f"条件有 {len(condition.text.strip())} 字，明白纸上放不下，"
                f"建议填写“明白纸上的简写”（{limits['conditions']} 字以内）",
            )
    for index, step in enumerate(item.steps.all(), start=1):
        short = step.sheet_text.strip()
        if len(short) > limits["steps"]:
            yield f"steps[{index}]", f"明白纸上的一句话 {len(short)} 字，建议不超过 {limits['steps']} 字"
    for index, material in enumerate(item.materials.all(), start=1):
        short = material.sheet_text.strip()
        if len(short) > limits["materials"]:
            yield f"materials[{index}]", f"明白纸上的简写 {len(short)} 字，建议不超过 {limits['materials']} 字"


def check_item(item, committee_must_not_issue: dict[str, str] | None = None, town=None) -> list[GuideProblem]:
    """Every problem of one item; ``item`` should have its inline parts prefetched.

    ``town`` is the town's settings (its phones are the fallback a resident sees);
    by default they are looked up from the item's place in the tree.
    """
    item._committee_must_not_issue = committee_must_not_issue or {}
    item._town_settings = town if town is not None else _town_settings(item)
    return [
        GuideProblem(item.code, field, message, blocking=isinstance(found, Blocking))
        for check in RULES
        for found in check(item)
        for field, message in [found]
    ]


def blocking_problems(item, committee_must_not_issue: dict[str, str] | None = None, town=None) -> list[GuideProblem]:
    """The problems that stop ``item`` (a page, or an unsaved draft built from the edit form) being published."""
    return [problem for problem in check_item(item, committee_must_not_issue, town) if problem.blocking]


def _town_settings(item):
    """The settings of the item's town, remembered by tree path for a batch (None for an unsaved page)."""
    from home.models import TownSettings
    from home.towns import town_of

    if not getattr(item, "path", ""):
        return None
    site = town_of(item)
    return TownSettings.for_site(site) if site is not None else None


def must_not_issue_names(site_root=None) -> dict[str, str]:
    """Certificate name -> code for the 不应出具 list (ZM-N-…)."""
    from .models import CertificateEntryPage

    entries = CertificateEntryPage.objects.filter(code__startswith="ZM-N-")
    if site_root is not None:
        entries = entries.descendant_of(site_root)
    return dict(entries.values_list("title", "code"))


def check_items(items: Iterable, site_root=None) -> list[GuideProblem]:
    names = must_not_issue_names(site_root)
    items = items.prefetch_related("conditions", "materials", "steps", "faqs", "legal_bases", "item_places__place")
    towns = _towns_by_path()
    problems = []
    for item in items:
        town = next((settings for path, settings in towns if item.path.startswith(path)), None)
        problems.extend(check_item(item, names, town))
    return problems


def _towns_by_path() -> list[tuple[str, object]]:
    """Each town's tree path and settings, deepest first: a batch finds an item's town without a query."""
    from wagtail.models import Site

    from home.models import TownSettings

    sites = Site.objects.select_related("root_page").order_by("-root_page__depth")
    return [(site.root_page.path, TownSettings.for_site(site)) for site in sites]
