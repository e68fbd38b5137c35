"""Guide quality rules, drawn from provincial guide-writing rules (办事指南编制规范).

Model validation refuses data that is wrong; these rules flag guides that are
incomplete or unhelpful, so an editor can still save a draft while writing.
They run from ``check_guides`` and from the admin report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .values import ItemType, LimitUnit, OnlineMode, phone_has_area_code

SUMMARY_MAX = 60
LICENSING_MIN_FAQS = 2

# Catch-all clauses that tell a resident nothing they can check themselves.
CATCH_ALL = re.compile(
    r"其他法律法规|法律、?法规规定的其他|规定的其他条件|其他条件|符合相关规定|相关规定的|其他情形|等其他"
)
NOT_A_FEE = {"无", "免费", "不收费", "0", "0元", "无收费"}
COMMITTEE_SOURCE = re.compile(r"村|居委会|居民委员会|社区")


@dataclass(frozen=True)
class GuideProblem:
    code: str
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.code} {self.field}: {self.rule}"


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
            yield "fee_standard", "收费事项须写明收费标准"
        if not item.fee_basis.strip():
            yield "fee_basis", "收费事项须写明收费依据"
    elif item.fee_standard.strip() or item.fee_basis.strip():
        yield "fee_standard", "不收费的事项应显示“不收费”，不要填写收费标准或依据（如“无”）"


@rule
def phones(item):
    consultation, complaint = item.consultation_phone.strip(), item.complaint_phone.strip()
    if not consultation:
        yield "consultation_phone", "缺少咨询电话"
    elif not phone_has_area_code(consultation):
        yield "consultation_phone", "咨询电话须带区号，如 0517-86810000"
    if not complaint:
        yield "complaint_phone", "缺少监督投诉电话"
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
    for index, material in enumerate(item.materials.all(), start=1):
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
        yield "legal_basis", "至少需要一条设定依据"
    for index, basis in enumerate(bases, start=1):
        if "《" not in basis.document:
            yield f"legal_basis[{index}]", "依据文件名称应带书名号《》"
    if not item.steps.all():
        yield "steps", "至少需要一个办理环节"


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


def check_item(item, committee_must_not_issue: dict[str, str] | None = None) -> list[GuideProblem]:
    """Every problem of one item; ``item`` should have its inline parts prefetched."""
    item._committee_must_not_issue = committee_must_not_issue or {}
    return [GuideProblem(item.code, field, message) for check in RULES for field, message in check(item)]


def must_not_issue_names(site_root=None) -> dict[str, str]:
    """Certificate name -> code for the 不应出具 list (ZM-N-…)."""
    from .models import CertificateEntryPage

    entries = CertificateEntryPage.objects.filter(code__startswith="ZM-N-")
    if site_root is not None:
        entries = entries.descendant_of(site_root)
    return dict(entries.values_list("title", "code"))


def check_items(items: Iterable, site_root=None) -> list[GuideProblem]:
    names = must_not_issue_names(site_root)
    items = items.prefetch_related("conditions", "materials", "steps", "faqs", "legal_bases")
    return [problem for item in items for problem in check_item(item, names)]
