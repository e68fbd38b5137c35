"""Places of service: the town hall, its windows, service centres and village points."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import NamedTuple

from django import forms
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, RevisionMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from home.coded import CodedPage, CodedPageForm
from home.models import SectionPage
from home.revisions import BatchedRevisionMixin
from home.towns import town_path

from .hours import WEEKDAY_NAMES, OpenStatus, Period, SpecialDayRule, open_status, weekly_lines

WEEKDAY_CHOICES = list(enumerate(WEEKDAY_NAMES))


class PlaceKind(models.TextChoices):
    HALL = "hall", "便民服务中心"
    WINDOW = "window", "服务窗口"
    CENTRE = "centre", "服务中心"
    VILLAGE_POINT = "village_point", "村（社区）便民服务站"


# The id of each kind's group on the places index; a guide links to its village points' group.
INDEX_ANCHORS = {
    PlaceKind.HALL: "hall",
    PlaceKind.WINDOW: "hall",  # windows are listed on the hall's page, which the hall's group links to
    PlaceKind.CENTRE: "centres",
    PlaceKind.VILLAGE_POINT: "village-points",
}


class PlaceGroup(NamedTuple):
    """One group of the places index: its anchor, heading and places."""

    anchor: str
    label: str
    places: list[PlacePage]


class PlaceItems(NamedTuple):
    """A place and the live items handled there."""

    place: PlacePage
    items: list


class PlaceIndexPage(SectionPage):
    """办事地点: every place of service in the town, grouped by kind."""

    section_key = "places"
    subpage_types = ["places.PlacePage"]

    class Meta:
        verbose_name = "办事地点目录"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        places = PlacePage.objects.live().descendant_of(self).order_by("path").prefetch_related("opening_periods")
        context["groups"] = [
            PlaceGroup(INDEX_ANCHORS[kind], label, [p for p in places if p.kind == kind])
            for kind, label in PlaceKind.choices
            if kind != PlaceKind.WINDOW
        ]
        return context


class PlacePage(BatchedRevisionMixin, CodedPage, Page):
    """One place a resident can go to: address, phones, hours, what is handled there."""

    code_pattern = r"^OF-[A-Z]\d{2}$"
    code_example = "OF-H01、OF-W05、OF-V12"

    kind = models.CharField("类型", max_length=20, choices=PlaceKind.choices)
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("咨询电话", max_length=32)
    extra_phones = models.CharField(
        "其他电话", max_length=120, blank=True, help_text="如值班电话、预约电话，用顿号分隔。"
    )
    hours_note = models.TextField(
        "办公时间说明",
        blank=True,
        help_text="节假日安排、周六延时、农忙上门代办等补充说明，每行一条。",
    )
    follows_public_holidays = models.BooleanField(
        "法定节假日休息",
        default=True,
        help_text="勾选后按“节假日安排”中的放假和调休上班日期计算是否在办公。",
    )
    directions = models.TextField("交通与位置指引", blank=True)
    departments_served = ParentalManyToManyField(
        "services.ResponsibleUnit",
        verbose_name="进驻单位",
        blank=True,
        related_name="places",
    )

    base_form_class = CodedPageForm
    parent_page_types = ["places.PlaceIndexPage", "places.PlacePage"]
    subpage_types = ["places.PlacePage"]

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldRowPanel([FieldPanel("code"), FieldPanel("kind")])], heading="基本信息"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("extra_phones")]),
                FieldPanel("directions"),
            ],
            heading="地址与电话",
        ),
        MultiFieldPanel(
            [
                InlinePanel("opening_periods", label="办公时段", min_num=0),
                FieldPanel("hours_note"),
                FieldPanel("follows_public_holidays"),
            ],
            heading="办公时间",
        ),
        FieldPanel("departments_served", widget=forms.CheckboxSelectMultiple),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("address"),
        index.SearchField("hours_note"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "办事地点"
        verbose_name_plural = "办事地点"

    @cached_property
    def periods(self) -> list[Period]:
        return [row.as_period() for row in self.opening_periods.all()]

    def weekly_hours(self) -> list[tuple[str, str]]:
        return weekly_lines(self.periods)

    def hours_notes(self) -> list[str]:
        return [line.strip() for line in self.hours_note.splitlines() if line.strip()]

    def phones(self) -> list[str]:
        extra = [p.strip() for p in self.extra_phones.replace("，", "、").split("、") if p.strip()]
        return [self.phone, *extra]

    def status_at(self, when: dt.datetime) -> OpenStatus:
        specials = SpecialDay.rules_near(when.date()) if self.follows_public_holidays else []
        return open_status(self.periods, when, specials)

    def open_now(self) -> OpenStatus:
        return self.status_at(timezone.now())

    def handled_items(self):
        """Live service items handled here, in catalog order."""
        from services.models import ServiceItemPage

        return ServiceItemPage.objects.live().filter(item_places__place=self).distinct().order_by("path")

    # -- display helpers ------------------------------------------------------

    @property
    def is_village_point(self) -> bool:
        return self.kind == PlaceKind.VILLAGE_POINT

    @property
    def short_title(self) -> str:
        """'东风村便民服务站' -> '东风村', as a list of village points names them."""
        return self.title.removesuffix("便民服务站") or self.title

    @property
    def index_anchor(self) -> str:
        """The id of this place's group on the places index ('village-points')."""
        return INDEX_ANCHORS.get(self.kind, "")

    def village_points_in_town(self):
        """The live village points of this place's town, in tree order."""
        return (
            PlacePage.objects.live()
            .filter(kind=PlaceKind.VILLAGE_POINT, path__startswith=town_path(self))
            .order_by("path")
        )

    def windows(self) -> list[PlacePage]:
        """The live places below this one (a hall's windows), in tree order."""
        return list(PlacePage.objects.live().child_of(self).order_by("path"))

    def items_by_window(self, windows: list[PlacePage] | None = None) -> list[PlaceItems]:
        """Each live window of this place with the live items handled there, from one query."""
        from services.models import ServiceItemPage

        windows = self.windows() if windows is None else windows
        rows = (
            ServiceItemPage.objects.live()
            .filter(item_places__place__in=windows)
            .annotate(at_place=models.F("item_places__place"))
            .order_by("path")
        )
        by_place: dict[int, list] = {}
        for item in rows:
            items = by_place.setdefault(item.at_place, [])
            if not items or items[-1].pk != item.pk:  # an item listing the same window twice
                items.append(item)
        return [PlaceItems(window, by_place.get(window.pk, [])) for window in windows]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        windows = self.windows()
        own = list(self.handled_items())
        by_window = self.items_by_window(windows) if windows else []
        context["status"] = self.open_now()
        context["windows"] = windows
        context["items"] = own
        context["window_items"] = by_window
        context["item_total"] = len({item.pk for item in own} | {i.pk for w in by_window for i in w.items})
        return context

    def clean(self) -> None:
        super().clean()
        prefix = {"hall": "OF-H", "window": "OF-W", "centre": "OF-C", "village_point": "OF-V"}
        expected = prefix.get(self.kind)
        if expected and self.code and not self.code.startswith(expected):
            raise ValidationError({"code": f"{self.get_kind_display()}的编码应以 {expected} 开头"})


class OpeningPeriod(Orderable):
    """One line of a weekly timetable: 周一至周五 8:30-12:00."""

    place = ParentalKey(PlacePage, on_delete=models.CASCADE, related_name="opening_periods")
    first_day = models.PositiveSmallIntegerField("从", choices=WEEKDAY_CHOICES)
    last_day = models.PositiveSmallIntegerField("至", choices=WEEKDAY_CHOICES)
    opens = models.TimeField("开始")
    closes = models.TimeField("结束")

    panels = [
        FieldRowPanel([FieldPanel("first_day"), FieldPanel("last_day"), FieldPanel("opens"), FieldPanel("closes")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = "办公时段"

    def clean(self) -> None:
        errors = {}
        if self.first_day is not None and self.last_day is not None and self.last_day < self.first_day:
            errors["last_day"] = "结束的星期不能早于开始的星期"
        if self.opens and self.closes and self.closes <= self.opens:
            errors["closes"] = "结束时间必须晚于开始时间"
        if errors:
            raise ValidationError(errors)

    def as_period(self) -> Period:
        return Period(self.first_day, self.last_day, self.opens, self.closes)


@register_snippet
class SpecialDay(RevisionMixin, models.Model):
    """A public holiday or a make-up workday (调休上班), shared by every place."""

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="special_day")

    date = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=40, help_text="例如：国庆节、国庆节调休上班")
    closed = models.BooleanField("休息", default=True, help_text="不勾选表示这天上班（调休）。")
    follows_weekday = models.PositiveSmallIntegerField(
        "按星期几的时间上班",
        choices=WEEKDAY_CHOICES,
        null=True,
        blank=True,
        help_text="调休上班日按哪一天的办公时间，通常为周一或周五。",
    )

    panels = [FieldPanel("date"), FieldPanel("name"), FieldPanel("closed"), FieldPanel("follows_weekday")]

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def revisions(self):
        return self._revisions

    def clean(self) -> None:
        if not self.closed and self.follows_weekday is None:
            raise ValidationError({"follows_weekday": "调休上班日请选择按星期几的时间上班"})

    def as_rule(self) -> SpecialDayRule:
        return SpecialDayRule(self.date, self.name, self.closed, self.follows_weekday)

    @classmethod
    def rules_near(cls, day: dt.date) -> list[SpecialDayRule]:
        """Rules for the fortnight around ``day``: enough to find the next opening."""
        window = cls.objects.filter(date__gte=day - dt.timedelta(days=1), date__lte=day + dt.timedelta(days=15))
        return [row.as_rule() for row in window]
