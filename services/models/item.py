"""The service item page: one structured guide (办事指南) per catalog item."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Page
from wagtail.search import index

from home.coded import CodedPage
from home.models import TownSettings
from home.revisions import BatchedRevisionMixin

from ..forms import ServiceItemPageForm
from ..panels import GuideQualityPanel
from ..values import PHONE_RE, Audience, ItemType, Level, LimitUnit, OnlineMode, TimeLimit
from ..widgets import GroupedSelectMultiple

# The guide's sections in the standard order, with their anchors; the page's
# table of contents and the print layout both follow it.
GUIDE_SECTIONS = [
    ("summary", "事项简介"),
    ("conditions", "申请条件"),
    ("materials", "申请材料"),
    ("steps", "办理流程"),
    ("time-limit", "办理时限"),
    ("fee", "收费标准"),
    ("where", "办理地点和时间"),
    ("online", "网上办理"),
    ("result", "办理结果"),
    ("contact", "咨询与投诉"),
    ("basis", "设定依据"),
    ("faq", "常见问题"),
    ("related", "相关事项与证明"),
]


class ContactPhones(NamedTuple):
    consultation: str
    complaint: str


@dataclass(frozen=True)
class Trips:
    """How a resident gets an item done and the trips it really takes.

    One answer for every place that shows it: the badges of item lists, the
    key facts at the top of a guide and its 网上办理 section. A village 代办
    item is done at the village station, whose staff hand it on (the catalog
    records those items as 全程网办 because the staff submit them online), so
    the resident still goes to the station: it reads "村里代办 · 跑村里1次",
    never 全程网办 or 最多跑0次.
    """

    mode: str  # 村里代办, or the online mode: 全程网办, 网上预审, 窗口办理
    count: int  # trips the resident makes
    at_village: bool = False  # the trips are to the village station, not to the town
    submitted_online: bool = False  # a village item the station's staff submit online

    @property
    def label(self) -> str:
        return f"跑村里{self.count}次" if self.at_village else f"最多跑{self.count}次"

    @property
    def badges(self) -> list[tuple[str, str]]:
        """(text, style) of the badges an item list shows: the mode when it matters, then the trips."""
        if self.at_village:
            return [(self.mode, "village"), (self.label, "")]
        if self.mode == OnlineMode.FULLY_ONLINE:
            return [(self.mode, "online"), (self.label, "")]
        return [(self.label, "")]

    @property
    def how(self) -> str:
        """What the resident does, in one sentence (the guide's 办理方式)."""
        if self.at_village:
            if self.submitted_online:
                return "到村（社区）便民服务站，工作人员帮您在网上提交"
            return "到村（社区）便民服务站，工作人员代收材料，转到镇里办理"
        return {
            OnlineMode.FULLY_ONLINE: "在网上提交，全程不用到现场",
            OnlineMode.PRE_REVIEW: "先在网上提交材料预审，再到现场办理",
        }.get(self.mode, "到办理地点当面办理")

    @property
    def detail(self) -> str:
        """The number of trips as the guide's 最多跑几次 line gives it: '1 次', '到村（社区）便民服务站 1 次'."""
        return f"到村（社区）便民服务站 {self.count} 次" if self.at_village else f"{self.count} 次"

    def __str__(self) -> str:
        return " · ".join(text for text, _style in self.badges)


@dataclass(frozen=True)
class PlaceRow:
    """One place of a guide with the guide's note for it."""

    place: Any  # places.PlacePage (services may not import places)
    note: str


@dataclass
class VillagePoints:
    """The village points that handle an item, said once instead of a card each."""

    points: list[Any]  # places.PlacePage, in the guide's order
    town_total: int  # live village points in the item's town
    note: str  # the note most of them share, shown once
    other_notes: list[PlaceRow] = dataclasses.field(default_factory=list)  # notes that differ from it
    missing: list[Any] = dataclasses.field(default_factory=list)  # the town's points that do not handle it

    @property
    def count(self) -> int:
        return len(self.points)

    @property
    def everywhere(self) -> bool:
        """Every village point of the town handles it: a resident goes to their own."""
        return not self.missing

    @property
    def line(self) -> str:
        """'全镇12个村（社区）便民服务站均可代办', counted from the data."""
        kind = "村（社区）便民服务站"
        if self.everywhere:
            return f"全镇{self.town_total}个{kind}均可代办"
        if self.missing and len(self.missing) < self.count:
            names = "、".join(place.short_title for place in self.missing)
            return f"全镇{self.town_total}个{kind}中，除{names}外均可代办"
        names = "、".join(place.short_title for place in self.points)
        return f"{names}的{kind}可以代办"

    @property
    def anchor(self) -> str:
        """The id of the village points' group on the places index."""
        return self.points[0].index_anchor


@dataclass
class GuidePlaces:
    """Where a guide is handled: town-level places in full, many village points on one line."""

    cards: list[PlaceRow]
    villages: VillagePoints | None

    @property
    def main(self) -> PlaceRow | None:
        return self.cards[0] if self.cards else None

    @property
    def compact(self) -> bool:
        """More town-level places than fit as cards: one short entry each."""
        return len(self.cards) > 3

    def __bool__(self) -> bool:
        return bool(self.cards or self.villages)


def live_pages(relation) -> models.QuerySet:
    """The live pages of a many-to-many relation, in tree order.

    In a preview or an old revision a ParentalManyToManyField holds a
    modelcluster FakeQuerySet, which has no ``live()``; asking the database
    for the same ids works for drafts and live pages alike.
    """
    ids = [page.pk for page in relation.all()]
    return relation.model.objects.live().filter(pk__in=ids).order_by("path")


def _limit_fields(label: str) -> tuple[models.CharField, models.PositiveSmallIntegerField]:
    unit = models.CharField(f"{label}类型", max_length=8, choices=LimitUnit.choices, blank=True)
    value = models.PositiveSmallIntegerField(f"{label}天数", null=True, blank=True)
    return unit, value


class ServiceItemPage(BatchedRevisionMixin, CodedPage, Page):
    """A 为民服务事项 with every field of a provincial guide template."""

    code_pattern = r"^[A-Z]{2,6}-[A-Z]{2,4}-\d{3}$"
    code_example = "QH-MZ-001"

    category = models.ForeignKey(
        "services.ServiceCategory", verbose_name="服务分类", on_delete=models.PROTECT, related_name="items"
    )
    responsible_unit = models.ForeignKey(
        "services.ResponsibleUnit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="items"
    )
    item_type = models.CharField("事项类型", max_length=12, choices=ItemType.choices)
    level = models.CharField("办理层级", max_length=4, choices=Level.choices, default=Level.TOWN)
    audience = models.CharField("服务对象", max_length=8, choices=Audience.choices, default=Audience.PERSON)
    summary = models.CharField(
        "一句话简介", max_length=120, blank=True, help_text="用大白话说清是什么事、谁能办，建议不超过60字。"
    )
    sheet_summary = models.CharField(
        "明白纸上的一句话简介",
        max_length=60,
        blank=True,
        help_text="只用于明白纸：一句话说清是什么事，建议不超过40字；不填则用事项简介的第一句。",
    )
    keywords = models.CharField(
        "群众常用说法",
        max_length=300,
        blank=True,
        help_text="居民搜索时会用的词，用顿号“、”分隔，例如：低保、吃低保。",
    )
    life_events = ParentalManyToManyField(
        "services.LifeEvent", verbose_name="人生事件", blank=True, related_name="items"
    )

    eligibility = models.TextField("申请对象", blank=True, help_text="谁可以申请，例如：本镇户籍、年满80周岁的老年人。")
    sheet_eligibility = models.CharField(
        "明白纸上的申请对象",
        max_length=60,
        blank=True,
        help_text="只用于明白纸：一行说清谁可以办，建议不超过28字；不填则印申请对象全文。",
    )

    statutory_limit_unit, statutory_limit_value = _limit_fields("法定时限")
    promised_limit_unit, promised_limit_value = _limit_fields("承诺时限")
    time_limit_note = models.CharField("时限说明", max_length=200, blank=True, help_text="例如：公示期不计入办理时限。")

    fee_charged = models.BooleanField("收费", default=False, help_text="不勾选则页面显示“不收费”。")
    fee_standard = models.CharField("收费标准", max_length=200, blank=True)
    fee_basis = models.CharField("收费依据", max_length=200, blank=True)

    hours_note = models.CharField(
        "办理时间补充说明",
        max_length=200,
        blank=True,
        help_text="办理地点的办公时间自动显示，这里只写本事项特有的安排。",
    )

    online_mode = models.CharField("网上办理", max_length=8, choices=OnlineMode.choices, default=OnlineMode.COUNTER)
    online_url = models.URLField("网上办理地址", blank=True, help_text="不填则使用站点设置中的政务服务网地址。")
    online_note = models.CharField(
        "网上办理说明", max_length=200, blank=True, help_text="例如：在“XX政务服务”APP搜索事项名称。"
    )
    max_trips = models.PositiveSmallIntegerField("最多跑几次", default=0)
    trips_reason = models.CharField(
        "需要到现场的原因", max_length=200, blank=True, help_text="最多跑次数不为 0 时必填。"
    )

    result_name = models.CharField(
        "办理结果", max_length=120, blank=True, help_text="例如：《最低生活保障证》、补贴发放到社保卡。"
    )
    result_delivery = models.CharField(
        "结果送达", max_length=120, blank=True, help_text="例如：窗口领取、邮寄、直接打卡发放。"
    )

    consultation_phone = models.CharField("咨询电话", max_length=32, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=32, blank=True)

    related_certificates = ParentalManyToManyField(
        "services.CertificateEntryPage", verbose_name="相关证明事项", blank=True, related_name="related_items"
    )
    related_items = ParentalManyToManyField("self", verbose_name="相关事项", blank=True, symmetrical=False)
    town_item = models.ForeignKey(
        "self",
        verbose_name="对应镇级事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="village_items",
        help_text="村级代办事项填写：村（社区）代办后转到哪个镇级事项办理。",
    )
    last_reviewed = models.DateField(
        "上次核对日期", null=True, blank=True, help_text="审核人确认“已核对”（内容已对照现行政策核实）的日期。"
    )
    next_review_due = models.DateField(
        "复核日期", null=True, blank=True, help_text="下次须核对内容的日期，默认为上次核对后12个月。"
    )

    base_form_class = ServiceItemPageForm
    parent_page_types = ["services.ServiceIndexPage"]
    subpage_types: list[str] = []

    basics_panels = [
        GuideQualityPanel(heading="质量检查"),
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("code"), FieldPanel("category")]),
                FieldPanel("responsible_unit"),
                FieldRowPanel([FieldPanel("item_type"), FieldPanel("level"), FieldPanel("audience")]),
            ],
            heading="事项信息",
        ),
        FieldPanel("summary"),
        FieldPanel("sheet_summary"),
        FieldPanel("keywords"),
        FieldPanel("life_events", widget=forms.CheckboxSelectMultiple),
    ]
    applying_panels = [
        FieldPanel("eligibility"),
        FieldPanel("sheet_eligibility"),
        InlinePanel("conditions", heading="受理条件", label="条件"),
        InlinePanel("materials", heading="申请材料", label="材料"),
    ]
    handling_panels = [
        InlinePanel("steps", heading="办理流程", label="环节"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("statutory_limit_unit"), FieldPanel("statutory_limit_value")]),
                FieldRowPanel([FieldPanel("promised_limit_unit"), FieldPanel("promised_limit_value")]),
                FieldPanel("time_limit_note"),
            ],
            heading="办理时限",
        ),
        MultiFieldPanel(
            [FieldPanel("fee_charged"), FieldRowPanel([FieldPanel("fee_standard"), FieldPanel("fee_basis")])],
            heading="收费",
        ),
        InlinePanel("item_places", heading="办理地点", label="地点"),
        FieldPanel("hours_note"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("online_mode"), FieldPanel("online_url")]),
                FieldPanel("online_note"),
                FieldRowPanel([FieldPanel("max_trips"), FieldPanel("trips_reason")]),
            ],
            heading="网上办理与跑动次数",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("result_name"), FieldPanel("result_delivery")])], heading="办理结果"
        ),
    ]
    contact_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("consultation_phone"), FieldPanel("complaint_phone")])], heading="咨询与投诉"
        ),
        InlinePanel("legal_bases", heading="设定依据", label="依据"),
        InlinePanel("faqs", heading="常见问题", label="问答"),
    ]
    relation_panels = [
        FieldPanel("town_item"),
        FieldPanel(
            "related_items",
            widget=GroupedSelectMultiple,
            help_text="可多选：按住键盘上的控制键（苹果电脑为命令键）再逐个点击。",
        ),
        FieldPanel("related_certificates", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("next_review_due")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(basics_panels, heading="基本信息"),
            ObjectList(applying_panels, heading="申请条件与材料"),
            ObjectList(handling_panels, heading="办理"),
            ObjectList(contact_panels, heading="咨询、依据与问答"),
            ObjectList(relation_panels, heading="关联与审核"),
            ObjectList(Page.promote_panels, heading="推广"),
            ObjectList(Page.settings_panels, heading="设置"),
        ]
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("eligibility"),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.RelatedFields("conditions", [index.SearchField("text")]),
        index.RelatedFields("materials", [index.SearchField("name")]),
        index.RelatedFields("faqs", [index.SearchField("question"), index.SearchField("answer")]),
        index.FilterField("level"),
        index.FilterField("item_type"),
        index.FilterField("online_mode"),
    ]

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"

    # -- derived values -------------------------------------------------

    @property
    def statutory_limit(self) -> TimeLimit | None:
        return self._limit(self.statutory_limit_unit, self.statutory_limit_value)

    @property
    def promised_limit(self) -> TimeLimit | None:
        return self._limit(self.promised_limit_unit, self.promised_limit_value)

    @staticmethod
    def _limit(unit: str, value: int | None) -> TimeLimit | None:
        return TimeLimit(unit, value) if unit else None

    @property
    def fee_display(self) -> str:
        return self.fee_standard if self.fee_charged else "不收费"

    def keyword_list(self) -> list[str]:
        text = self.keywords
        for sep in "，,|;；\n":
            text = text.replace(sep, "、")
        return [word.strip() for word in text.split("、") if word.strip()]

    def places_in_order(self) -> list:
        return [row.place.specific for row in self.item_places.all()]

    # Village points grouped on one line from this many (or from two, when that is every point of the town).
    VILLAGE_GROUP_MIN = 3

    def guide_places(self) -> GuidePlaces:
        """The guide's places as the page shows them.

        Town-level places (hall, windows, centres) keep a card each. Village
        points become one line, "全镇12个村（社区）便民服务站均可代办", when there
        are many of them (``VILLAGE_GROUP_MIN``, or all of the town's): the
        note they share is said once, and only a note that differs is named
        with its point. A few village points keep their cards.
        """
        rows = [
            PlaceRow(row.place.specific, row.note) for row in self.item_places.select_related("place") if row.place.live
        ]
        points = [row for row in rows if row.place.is_village_point]
        in_town = list(points[0].place.village_points_in_town()) if points else []
        many = len(points) >= self.VILLAGE_GROUP_MIN or (len(points) >= 2 and len(points) >= len(in_town))
        if not many:
            return GuidePlaces(cards=rows, villages=None)
        notes = Counter(row.note for row in points if row.note)
        shared = notes.most_common(1)[0][0] if notes else ""
        listed = {row.place.pk for row in points}
        villages = VillagePoints(
            points=[row.place for row in points],
            town_total=len(in_town),
            note=shared,
            other_notes=[row for row in points if row.note and row.note != shared],
            missing=[place for place in in_town if place.pk not in listed],
        )
        return GuidePlaces(cards=[row for row in rows if not row.place.is_village_point], villages=villages)

    def material_counts(self) -> tuple[int, int]:
        """(materials everyone brings, materials only some bring)."""
        required = [material.required for material in self.materials.all()]
        return sum(required), len(required) - sum(required)

    def materials_summary(self) -> str:
        """'必带4项，另有2项视情况提交', for the guide's 办事要点; empty without materials."""
        always, sometimes = self.material_counts()
        parts = [f"必带{always}项"] if always else []
        if sometimes:
            parts.append(f"{'另有' if always else ''}{sometimes}项视情况提交")
        return "，".join(parts)

    @property
    def by_village(self) -> bool:
        """A village 代办 item: level 村, or one that hands its cases on to a town item."""
        return self.level == Level.VILLAGE or self.town_item_id is not None

    def trips(self) -> Trips:
        """The mode and the trips a resident really makes; see ``Trips``."""
        if self.by_village:
            return Trips(
                "村里代办",
                max(self.max_trips, 1),
                at_village=True,
                submitted_online=self.online_mode == OnlineMode.FULLY_ONLINE,
            )
        return Trips(str(self.online_mode), self.max_trips, at_village=False)

    def main_place(self):
        first = self.item_places.first()
        return first.place.specific if first else None

    def contact_phones(self, town_settings=None) -> ContactPhones:
        """The phones a resident should call, the same on the web page and the printed sheet.

        Consultation: the item's own number, else its main place's, else the
        town's; complaints: the item's own, else the town's.
        """
        main_place = self.main_place()
        consultation = (
            self.consultation_phone
            or (main_place.phone if main_place else "")
            or getattr(town_settings, "consultation_phone", "")
        )
        complaint = self.complaint_phone or getattr(town_settings, "complaint_phone", "")
        return ContactPhones(consultation or "", complaint or "")

    def effective_online_url(self, town_settings=None) -> str:
        if self.online_url:
            return self.online_url
        return getattr(town_settings, "online_service_url", "") or ""

    def is_fully_online(self) -> bool:
        return self.online_mode == OnlineMode.FULLY_ONLINE

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            sections=GUIDE_SECTIONS,
            phones=self.contact_phones(TownSettings.for_request(request)),
            guide_places=self.guide_places(),
            trips=self.trips(),
            village_items=self.village_items.live().order_by("path"),
            related_items=live_pages(self.related_items).exclude(pk=self.town_item_id or 0),
            related_certificates=live_pages(self.related_certificates),
        )
        return context

    # -- rights ---------------------------------------------------------

    def permissions_for_user(self, user):
        """Department staff may change only their own unit's guides (services.permissions)."""
        from ..permissions import UnitPagePermissionTester

        return UnitPagePermissionTester(user, self)

    # -- validation -----------------------------------------------------

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for prefix, label in (("statutory", "法定时限"), ("promised", "承诺时限")):
            unit = getattr(self, f"{prefix}_limit_unit")
            value = getattr(self, f"{prefix}_limit_value")
            if unit in (LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS) and not value:
                errors[f"{prefix}_limit_value"] = f"{label}按{unit}计算时请填写天数"
            if unit in (LimitUnit.IMMEDIATE, LimitUnit.NONE, "") and value:
                errors[f"{prefix}_limit_value"] = f"{label}为“{unit or '未填写'}”时不填天数"
        if self.promised_limit_unit == LimitUnit.NONE:
            errors["promised_limit_unit"] = "承诺时限不能为“无”，请填写天数或“即办”"
        if self.fee_charged:
            if not self.fee_standard.strip():
                errors["fee_standard"] = "收费事项必须写明收费标准"
            if not self.fee_basis.strip():
                errors["fee_basis"] = "收费事项必须写明收费依据"
        if self.online_mode == OnlineMode.FULLY_ONLINE and self.max_trips != 0:
            errors["max_trips"] = "全程网办的事项最多跑 0 次"
        for field in ("consultation_phone", "complaint_phone"):
            value = getattr(self, field)
            if value and not PHONE_RE.match(value):
                errors[field] = "电话格式应为“区号-号码”（如 0517-86810000）、手机号或 12345"
        if self.level == Level.TOWN and self.town_item_id:
            errors["town_item"] = "只有村级代办事项才填写对应的镇级事项"
        if self.town_item_id and self.town_item_id == self.pk:
            errors["town_item"] = "不能指向自己"
        if errors:
            raise ValidationError(errors)
