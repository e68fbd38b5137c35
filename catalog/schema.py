"""The YAML content formats (town, taxonomies, notices, full guides).

pydantic does the structural validation and gives each error a path such as
``materials[2].copies``; docs/content-format.md describes the same fields for
writers. Every model forbids unknown keys so a typo is an error, not silence.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from services.values import PHONE_RE, TimeLimit

Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _check_phone(value: str | None) -> str | None:
    if value and not PHONE_RE.match(value):
        raise ValueError(f"电话 {value!r} 格式不对，应为“区号-号码”（如 0517-86810000）、手机号或 12345")
    return value


# -- town.yaml ---------------------------------------------------------------


class SectionIn(Strict):
    title: Text
    slug: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    intro: str = ""


class CertificateListIn(Strict):
    code: Literal["ZM-N", "ZM-Y"]
    title: Text
    basis: str = ""
    intro: str = ""


class TownIn(Strict):
    town_name: Text
    portal_title: Text
    home_title: Text
    home_intro: str = ""
    hall: Annotated[str, Field(pattern=r"^OF-H\d{2}$")]
    consultation_phone: str | None = None
    complaint_phone: str | None = None
    online_service_name: str = ""
    online_service_url: HttpUrl | None = None
    footer_note: str = ""
    public_address: HttpUrl | None = None
    demo_notice: bool = False
    sections: dict[Literal["services", "certificates", "places", "notices"], SectionIn]
    certificate_lists: list[CertificateListIn]

    _phones = field_validator("consultation_phone", "complaint_phone")(_check_phone)

    @model_validator(mode="after")
    def _all_sections(self) -> TownIn:
        missing = {"services", "certificates", "places", "notices"} - set(self.sections)
        if missing:
            raise ValueError(f"sections 缺少：{'、'.join(sorted(missing))}")
        if sorted(cl.code for cl in self.certificate_lists) != ["ZM-N", "ZM-Y"]:
            raise ValueError("certificate_lists 应恰好包含 ZM-N 和 ZM-Y 两份清单")
        return self


# -- taxonomies.yaml -----------------------------------------------------------


class TaxonIn(Strict):
    name: Text
    slug: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    description: str = ""


class UnitIn(Strict):
    name: Text
    short_name: str = ""
    phone: str | None = None

    _phone = field_validator("phone")(_check_phone)


class TaxonomiesIn(Strict):
    categories: list[TaxonIn]
    life_events: list[TaxonIn]
    units: list[UnitIn] = []


# -- notices.yaml ----------------------------------------------------------------


class NoticeIn(Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    title: Text
    date: dt.date
    category: Literal["通知", "公告", "公示", "政策解读", "服务调整"] = "通知"
    pinned: bool = False
    # 下架日期: the notice leaves the site at 23:59:59 (Asia/Shanghai) of this day (its 下架时间).
    expiry_date: dt.date | None = None
    issuer: str = ""
    summary: str = ""
    body: Text

    @model_validator(mode="after")
    def _expiry_after_date(self) -> NoticeIn:
        if self.expiry_date and self.expiry_date < self.date:
            raise ValueError("下架日期 expiry_date 早于发布日期 date")
        return self


class NoticesIn(Strict):
    notices: list[NoticeIn]


# -- holidays.yaml ---------------------------------------------------------------

WEEKEND = (5, 6)


class FestivalIn(Strict):
    """One festival's days off (first to last, inclusive) and its 调休 make-up workdays."""

    name: Annotated[str, Field(min_length=1, max_length=20)]
    first: dt.date
    last: dt.date
    workdays: list[dt.date] = []

    @model_validator(mode="after")
    def _days_in_order(self) -> FestivalIn:
        if self.last < self.first:
            raise ValueError(f"{self.name}：last 早于 first")
        if (self.last - self.first).days > 15:
            raise ValueError(f"{self.name}：放假超过 16 天，请检查日期")
        for day in self.workdays:
            if self.first <= day <= self.last:
                raise ValueError(f"{self.name}：调休上班日 {day} 在放假期间内")
            if day.weekday() not in WEEKEND:
                raise ValueError(f"{self.name}：调休上班日 {day} 不是周六或周日")
        return self

    def days_off(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


class HolidayYearIn(Strict):
    year: Annotated[int, Field(ge=2000, le=2100)]
    source: Text  # the notice (or law) the dates come from
    # false: only the statutory days fixed by law are entered; the 国务院办公厅 notice for the year
    # (its 调休 and substitute days) is still to be entered, so no workdays are allowed yet.
    complete: bool = True
    note: str = ""
    festivals: list[FestivalIn]

    @model_validator(mode="after")
    def _dates_belong_to_the_year(self) -> HolidayYearIn:
        for festival in self.festivals:
            for day in [festival.first, festival.last, *festival.workdays]:
                if abs(day.year - self.year) > 1:
                    raise ValueError(f"{festival.name}：{day} 不在 {self.year} 年前后")
            if not self.complete and festival.workdays:
                raise ValueError(f"{self.year} 年标为 complete: false（通知未录入），不应有调休上班日")
        return self


class HolidaysIn(Strict):
    years: list[HolidayYearIn]

    @model_validator(mode="after")
    def _each_day_once(self) -> HolidaysIn:
        seen: set[dt.date] = set()
        for year in self.years:
            for festival in year.festivals:
                for day in [*festival.days_off(), *festival.workdays]:
                    if day in seen:
                        raise ValueError(f"{day} 出现了不止一次")
                    seen.add(day)
        return self


class SynonymsIn(Strict):
    synonyms: list[Annotated[str, Field(min_length=3, max_length=300)]]


# -- guides/<code>.yaml --------------------------------------------------------------


class MaterialIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    form: Literal["原件", "复印件", "原件和复印件"] = "原件"
    copies: Annotated[int, Field(ge=1, le=20)] = 1
    medium: Literal["纸质", "电子", "纸质或电子"] = "纸质"
    source: Annotated[str, Field(max_length=120)] = ""
    required: bool = True
    condition: Annotated[str, Field(max_length=200)] = ""
    notes: Annotated[str, Field(max_length=300)] = ""
    # The whole checklist line on the clarity sheet (with its 提交情形 and copies); blank: printed from the fields.
    sheet: Annotated[str, Field(max_length=60)] = ""
    # false: the clarity sheet leaves it out and counts it (另有N项材料，扫码查看全部); the page lists it.
    on_sheet: bool = True
    blank_form: str | None = None
    sample: str | None = None

    @model_validator(mode="after")
    def _conditional_needs_condition(self) -> MaterialIn:
        if not self.required and not self.condition:
            raise ValueError("required: false 的材料必须写 condition（在什么情形下提交）")
        return self


class StepIn(Strict):
    title: Annotated[str, Field(min_length=1, max_length=40)]
    description: Text
    # The step in one line on the clarity sheet (else the sheet prints the title).
    sheet: Annotated[str, Field(max_length=40)] = ""


class ConditionIn(Strict):
    """A condition with its short form for the clarity sheet; a plain string is a condition without one."""

    text: Annotated[str, Field(min_length=1, max_length=300)]
    sheet: Annotated[str, Field(max_length=60)] = ""


class BasisIn(Strict):
    document: Annotated[str, Field(min_length=1, max_length=200)]
    article: Annotated[str, Field(max_length=200)] = ""


class FaqIn(Strict):
    q: Annotated[str, Field(min_length=1, max_length=200)]
    a: Text


class TimeLimitIn(Strict):
    statutory: str | None = None
    promised: str | None = None
    note: Annotated[str, Field(max_length=200)] = ""

    @field_validator("statutory", "promised")
    @classmethod
    def _parse(cls, value: str | None) -> str | None:
        if value is not None:
            TimeLimit.parse(value)
        return value

    @field_validator("promised")
    @classmethod
    def _promised_not_none(cls, value: str | None) -> str | None:
        if value is not None and TimeLimit.parse(value).unit == "无":
            raise ValueError("承诺时限不能为“无”")
        return value


class FeeIn(Strict):
    standard: Text
    basis: Text


class OnlineIn(Strict):
    url: HttpUrl | None = None
    note: Annotated[str, Field(max_length=200)] = ""


class PhonesIn(Strict):
    consultation: str | None = None
    complaint: str | None = None

    _phones = field_validator("consultation", "complaint")(_check_phone)


class PlaceRefIn(Strict):
    code: Text
    note: Annotated[str, Field(max_length=200)] = ""


class GuideIn(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{2,6}-[A-Z]{2,4}-\d{3}$")]
    summary: Annotated[str, Field(max_length=120)] = ""
    # What it is in one line on the clarity sheet (else the sheet takes the summary's first sentence).
    sheet_summary: Annotated[str, Field(max_length=60)] = ""
    eligibility: str = ""
    sheet_eligibility: Annotated[str, Field(max_length=60)] = ""
    conditions: list[Annotated[str, Field(min_length=1, max_length=300)] | ConditionIn] = []
    legal_basis: list[BasisIn] = []
    materials: list[MaterialIn] = []
    steps: list[StepIn] = []
    time_limit: TimeLimitIn | None = None
    fee: Literal["不收费"] | FeeIn = "不收费"
    places: list[str | PlaceRefIn] = []
    hours_note: Annotated[str, Field(max_length=200)] = ""
    online: OnlineIn | None = None
    trips_reason: Annotated[str, Field(max_length=200)] = ""
    result: Annotated[str, Field(max_length=120)] = ""
    result_delivery: Annotated[str, Field(max_length=120)] = ""
    phones: PhonesIn | None = None
    faq: list[FaqIn] = []
    related_certificates: list[Annotated[str, Field(pattern=r"^ZM-[NY]-\d{2}$")]] = []
    related_items: list[str] = []
    town_item: str | None = None
    extra_keywords: list[Annotated[str, Field(min_length=1, max_length=20)]] = []
    last_reviewed: dt.date | None = None

    def place_refs(self) -> list[PlaceRefIn]:
        return [PlaceRefIn(code=p) if isinstance(p, str) else p for p in self.places]

    def condition_list(self) -> list[ConditionIn]:
        return [ConditionIn(text=c) if isinstance(c, str) else c for c in self.conditions]


# Names pydantic gives the branches of a union (a place is a code or {code, note}); not keys of the file.
UNION_BRANCHES = ("str", "PlaceRefIn", "ConditionIn", "FeeIn", "literal['不收费']", "function-after[_parse(), str]")


def format_error_location(loc: tuple) -> str:
    """('materials', 2, 'copies') -> 'materials[2].copies'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in UNION_BRANCHES:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "(文件)"
