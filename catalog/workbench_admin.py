"""The guide workbench: every guide with its state, filters and export (see docs/editors.md).

Three admin screens for the people who keep a town's 办事指南, all on
Wagtail's own listing views (``ReportView``: a django-filter FilterSet, sortable
table columns, CSV/XLSX export of the filtered list):

* 办事指南工作台 (``guide_workbench``): every guide of the town with its code, name,
  category, unit, state, quality problems, review date, sheet pages and last
  editor; filters on each, sorting on each column, export of the list, and of
  the filtered guides whole in the import format (``catalog.spreadsheet_export``).
* A dashboard panel: per responsible unit, how many guides are drafts, in
  review, have quality problems or are due for review, each count a link into
  the workbench filtered to that unit and state. Unit staff see their own
  units; town reviewers and superusers see every unit and the totals.
* 报告 → 复核到期的指南 (``guide_review_due_report``): guides whose review date
  is past or within 30 days, by unit, exportable.

The listing is a fixed handful of queries whatever its length: state, sheet
pages and last editor are annotations; quality problems are counted per guide,
cached until the guide (or what the rules read besides it) changes
(``guide_problem_counts``), and joined in as an annotation so they can be
filtered and sorted on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.forms.models import model_to_dict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button
from wagtail.models import Page, Revision, WorkflowState
from wagtail.permissions import page_permission_policy

from home.models import TownSettings
from home.towns import town_for_request
from services import quality
from services.models import ResponsibleUnit, ServiceCategory, ServiceItemPage
from services.permissions import is_town_reviewer, user_unit_ids
from services.quality import check_item, must_not_issue_names
from sheets.models import RenderedSheet
from sheets.preview import for_rows, left_out_summary

from .spreadsheet_admin import exportable_items
from .spreadsheet_export import export_items

GUIDES_EXPORT = "guides"  # ?export=guides: the whole guides, as 报告 → 导入导出 exports them
DUE_WITHIN_DAYS = 30  # "复核到期": the review date is past or at most this many days away
PROBLEM_CACHE_SECONDS = 60 * 60
# The inline parts the quality rules read, fetched for every guide in one query each.
GUIDE_PARTS = ("conditions", "materials", "steps", "faqs", "legal_bases", "item_places__place")
ADMIN_PERMISSIONS = ["add", "change", "publish"]  # who may open the screens: anyone who works on pages


class GuideState(models.TextChoices):
    """Where a guide stands; one per guide, in this order."""

    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    CHANGED = "changed", "有未发布修改"
    LIVE = "live", "已发布"


STATE_RANK = {state.value: rank for rank, state in enumerate(GuideState)}
# The dashboard's 草稿: new guides and unpublished changes to published ones, neither yet submitted.
UNSUBMITTED = (GuideState.DRAFT, GuideState.CHANGED)


def _source_version() -> str:
    """A short hash of the quality rules' source, so cached counts end with a rule change."""
    try:
        source = inspect.getsource(quality)
    except OSError:  # pragma: no cover - no source on disk
        return "0"
    return hashlib.sha1(source.encode()).hexdigest()[:10]


RULES_VERSION = _source_version()


# -- quality problems per guide ---------------------------------------------------------


def guide_problem_counts(site) -> dict[int, int]:
    """Page id -> number of quality problems, for every guide of ``site``'s town.

    Counted with the rules of ``services.quality`` on the content the edit form
    shows (a guide's draft if it has one, else the page), so the numbers match
    the edit form's 质量检查 panel. Each guide's count is cached under its own
    key (its latest and live revision, when they were made, whether it has
    unpublished changes) and a fingerprint of what else the rules read (the
    town's other pages, such as places and certificate entries; the town
    settings; the rules themselves; the day). Editing one guide recounts that
    guide only; editing a place or the settings recounts them all.
    """
    town = TownSettings.for_site(site)
    context = _context_fingerprint(site, town)
    guides = ServiceItemPage.objects.descendant_of(site.root_page).values_list(
        "pk",
        "latest_revision_id",
        "latest_revision_created_at",
        "live_revision_id",
        "has_unpublished_changes",
        "last_published_at",
    )
    keys = {row[0]: f"catalog:guide-problems:{context}:{row[0]}:{_digest(row[1:])}" for row in guides}
    found = cache.get_many(keys.values())
    counts = {page_id: found[key] for page_id, key in keys.items() if key in found}
    missing = [page_id for page_id in keys if page_id not in counts]
    if missing:
        fresh = _count_problems(site, town, missing)
        cache.set_many({keys[page_id]: count for page_id, count in fresh.items()}, PROBLEM_CACHE_SECONDS)
        counts.update(fresh)
    return counts


def _context_fingerprint(site, town) -> str:
    """A short hash of everything besides a guide itself that its problems depend on."""
    others = (
        Page.objects.filter(path__startswith=site.root_page.path)
        .exclude(content_type=ContentType.objects.get_for_model(ServiceItemPage))
        .aggregate(pages=Count("pk"), revised=Max("latest_revision_created_at"), published=Max("last_published_at"))
    )
    settings = sorted((name, str(value)) for name, value in model_to_dict(town).items())
    return _digest([RULES_VERSION, timezone.localdate(), sorted(others.items()), settings])


def _digest(values) -> str:
    return hashlib.sha1(repr(values).encode()).hexdigest()[:16]


def _count_problems(site, town, page_ids: list[int]) -> dict[int, int]:
    names = must_not_issue_names(site.root_page)
    items = ServiceItemPage.objects.filter(pk__in=page_ids).prefetch_related(*GUIDE_PARTS)
    counts: dict[int, int] = {}
    drafts = []
    for item in items:
        if item.has_unpublished_changes and item.latest_revision_id not in (None, item.live_revision_id):
            drafts.append(item)  # checked on its draft below, not on these rows
        else:
            counts[item.pk] = len(check_item(item, names, town))
    revisions = Revision.objects.in_bulk([item.latest_revision_id for item in drafts])
    for item in drafts:
        revision = revisions.get(item.latest_revision_id)
        content = item.with_content_json(revision.content) if revision is not None else item
        counts[item.pk] = len(check_item(content, names, town))
    return counts


def _value_in(ids_by_value: dict[int, list[int]], default: int = 0):
    """An expression that is ``value`` for the pages listed under it, else ``default``."""
    whens = [When(pk__in=ids, then=Value(value)) for value, ids in sorted(ids_by_value.items()) if ids and value]
    return Case(*whens, default=Value(default), output_field=IntegerField()) if whens else Value(default)


# -- the annotated queryset every screen lists ------------------------------------------


def guide_queryset(site, problem_counts: dict[int, int] | None = None) -> models.QuerySet:
    """The town's guides with ``state``, ``state_rank``, ``problem_count``, ``sheet_pages``, ``editor_name``,
    and the newest sheet's ``sheet_body_pt`` and ``sheet_left_out``."""
    if problem_counts is None:
        problem_counts = guide_problem_counts(site)
    by_count: dict[int, list[int]] = {}
    for page_id, count in problem_counts.items():
        by_count.setdefault(count, []).append(page_id)
    in_review = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),  # Wagtail files page workflows under Page
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    newest_sheet = RenderedSheet.objects.filter(key=OuterRef("code"), edition__page=OuterRef("pk")).order_by(
        "-rendered_at"
    )
    user = "latest_revision__user__"
    return (
        ServiceItemPage.objects.descendant_of(site.root_page)
        .select_related("category", "responsible_unit")
        .annotate(
            in_review=Exists(in_review.values("pk")),
            problem_count=_value_in(by_count),
            sheet_pages=Subquery(newest_sheet.values("pages")[:1]),
            sheet_body_pt=Subquery(newest_sheet.values("body_pt")[:1]),
            sheet_left_out=Subquery(newest_sheet.values("left_out")[:1], output_field=models.JSONField()),
            editor_name=Coalesce(
                NullIf(Concat(F(f"{user}last_name"), F(f"{user}first_name"), output_field=CharField()), Value("")),
                F(f"{user}username"),
                output_field=CharField(),
            ),
        )
        .annotate(
            state=Case(
                When(in_review=True, then=Value(GuideState.IN_REVIEW.value)),
                When(live=False, then=Value(GuideState.DRAFT.value)),
                When(has_unpublished_changes=True, then=Value(GuideState.CHANGED.value)),
                default=Value(GuideState.LIVE.value),
                output_field=CharField(),
            ),
            state_rank=Case(
                *[When(state=value, then=Value(rank)) for value, rank in STATE_RANK.items()],
                output_field=IntegerField(),
            ),
        )
    )


def review_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=DUE_WITHIN_DAYS)


# -- filters -------------------------------------------------------------------------------

ALL = "全部"


class GuideFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label="服务分类", queryset=ServiceCategory.objects.all(), empty_label=ALL
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label="责任单位", queryset=ResponsibleUnit.objects.all(), empty_label=ALL
    )
    status = django_filters.MultipleChoiceFilter(
        label="状态", field_name="state", choices=GuideState.choices, widget=forms.CheckboxSelectMultiple
    )
    problems = django_filters.ChoiceFilter(
        label="质量问题",
        choices=[("yes", "有质量问题"), ("no", "没有质量问题")],
        method="filter_problems",
        empty_label=ALL,
        widget=forms.RadioSelect,
    )
    review = django_filters.ChoiceFilter(
        label="复核日期",
        choices=[
            ("due", f"已过期或{DUE_WITHIN_DAYS}天内到期"),
            ("overdue", "已过期"),
            ("soon", f"{DUE_WITHIN_DAYS}天内到期"),
            ("unset", "未填写"),
        ],
        method="filter_review",
        empty_label=ALL,
        widget=forms.RadioSelect,
    )
    sheet = django_filters.ChoiceFilter(
        label="明白纸页数",
        choices=[("multi", "超过一页"), ("one", "一页"), ("none", "尚未生成")],
        method="filter_sheet",
        empty_label=ALL,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ServiceItemPage
        fields = ["category", "responsible_unit"]

    def filter_problems(self, queryset, name, value):
        return queryset.filter(problem_count__gt=0) if value == "yes" else queryset.filter(problem_count=0)

    def filter_review(self, queryset, name, value):
        today, horizon = review_window()
        return {
            "due": lambda: queryset.filter(next_review_due__lte=horizon),
            "overdue": lambda: queryset.filter(next_review_due__lt=today),
            "soon": lambda: queryset.filter(next_review_due__gte=today, next_review_due__lte=horizon),
            "unset": lambda: queryset.filter(next_review_due__isnull=True),
        }[value]()

    def filter_sheet(self, queryset, name, value):
        return {
            "multi": lambda: queryset.filter(sheet_pages__gt=1),
            "one": lambda: queryset.filter(sheet_pages=1),
            "none": lambda: queryset.filter(sheet_pages__isnull=True),
        }[value]()


def workbench_url(**filters) -> str:
    """The workbench filtered by ``filters`` (a list value repeats the parameter)."""
    query = urlencode({name: value for name, value in filters.items() if value is not None}, doseq=True)
    return reverse("guide_workbench") + (f"?{query}" if query else "")


# -- table columns ----------------------------------------------------------------------------


class TemplateColumn(Column):
    """A column whose cell is a template of this app, given the row as ``instance`` and the review window."""

    def __init__(self, name, template: str, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = template

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["today"], context["review_horizon"] = review_window()
        return context


def attach_sheet_fit(rows) -> list:
    """Give each listed guide ``fit_body_pt`` and ``fit_left_out``: its draft's preview if made, else its sheet's.

    The preview of a guide's latest revision (``sheets.preview``, made after each
    save) is what the next sheet will print; one cache read for the whole page
    of rows, no query.
    """
    rows = list(rows)
    previews = for_rows(rows)
    for row in rows:
        preview = previews.get(row.pk)
        if preview is not None and not preview.error:
            row.fit_body_pt, row.fit_left_out = preview.body_pt, preview.left_out
        else:
            row.fit_body_pt, row.fit_left_out = (
                getattr(row, "sheet_body_pt", None),
                getattr(row, "sheet_left_out", None),
            )
    return rows


def _body_pt(page) -> str:
    value = getattr(page, "fit_body_pt", None)
    return f"{value:g}" if value else ""


def _left_out(page) -> str:
    return left_out_summary(getattr(page, "fit_left_out", None) or [])


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _dash(value):
    return "—" if value in (None, "") else value


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


CODE = Column("code", label="编码", sort_key="code", classname="w-whitespace-nowrap")
TITLE = TitleColumn("title", label="事项名称", get_url=_edit_url, sort_key="title")
UNIT = Column("responsible_unit", label="责任单位", accessor="responsible_unit.name", sort_key="responsible_unit__name")
STATE = TemplateColumn("state", "catalog/workbench/state_cell.html", label="状态", sort_key="state_rank")
REVIEW_DUE = TemplateColumn(
    "next_review_due",
    "catalog/workbench/review_cell.html",
    label="复核日期",
    sort_key="next_review_due",
    classname="w-whitespace-nowrap",
)
EDITOR = Column(
    "editor_name", label="最后编辑人", accessor=lambda page: _dash(page.editor_name), sort_key="editor_name"
)


# -- views -------------------------------------------------------------------------------------


class GuideListingMixin:
    """What the workbench and the review report share: the town's annotated guides, ordering, CSV for Excel."""

    permission_policy = page_permission_policy
    any_permission_required = ADMIN_PERMISSIONS

    def get_queryset(self):
        self.site = town_for_request(self.request)
        self.queryset = guide_queryset(self.site)
        return super().get_queryset()

    def order_queryset(self, queryset):
        """Sort on the chosen column, empty values last, then by code."""
        ordering = self.ordering or self.default_ordering
        name = ordering.lstrip("-")
        expression = F(name).desc(nulls_last=True) if ordering.startswith("-") else F(name).asc(nulls_last=True)
        return queryset.order_by(expression, "code", "path")

    def stream_csv(self, queryset):
        """UTF-8 with a byte-order mark, so Excel opens the Chinese text as Chinese."""
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)

    def get_filename(self) -> str:
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"


def _review_label(page, today: dt.date | None = None) -> str:
    due = page.next_review_due
    if due is None:
        return ""
    today, horizon = review_window(today)
    if due < today:
        return f"已过期{(today - due).days}天"
    if due <= horizon:
        return f"{(due - today).days}天后到期" if due > today else "今天到期"
    return ""


class GuideWorkbenchView(GuideListingMixin, ReportView):
    page_title = "办事指南工作台"
    header_icon = "list-ul"
    index_url_name = "guide_workbench"
    index_results_url_name = "guide_workbench_results"
    filterset_class = GuideFilterSet
    is_searchable = True
    search_backend_name = None  # plain icontains on code and name: exact, and no index needed
    search_fields = ["code", "title"]
    default_ordering = "code"
    paginate_by = 50
    export_filename = "guide-workbench"
    verbose_name_plural = "办事指南"
    columns = [
        CODE,
        TITLE,
        Column("category", label="服务分类", accessor="category.name", sort_key="category__name"),
        UNIT,
        STATE,
        TemplateColumn(
            "problem_count", "catalog/workbench/problems_cell.html", label="质量问题", sort_key="problem_count"
        ),
        REVIEW_DUE,
        TemplateColumn("sheet_pages", "catalog/workbench/sheet_cell.html", label="明白纸页数", sort_key="sheet_pages"),
        TemplateColumn(
            "sheet_body_pt",
            "catalog/workbench/sheet_body_cell.html",
            label="明白纸字号",
            sort_key="sheet_body_pt",
            classname="w-whitespace-nowrap",
        ),
        TemplateColumn("sheet_left_out", "catalog/workbench/sheet_left_out_cell.html", label="明白纸放不下"),
        EDITOR,
    ]
    list_export = [
        "code",
        "title",
        "category",
        "responsible_unit",
        "state",
        "problem_count",
        "next_review_due",
        "review_note",
        "sheet_pages",
        "sheet_body_pt",
        "sheet_left_out",
        "editor_name",
    ]
    export_headings = {
        "code": "编码",
        "title": "事项名称",
        "category": "服务分类",
        "responsible_unit": "责任单位",
        "state": "状态",
        "problem_count": "质量问题",
        "next_review_due": "复核日期",
        "review_note": "复核提示",
        "sheet_pages": "明白纸页数",
        "sheet_body_pt": "明白纸字号",
        "sheet_left_out": "明白纸放不下",
        "editor_name": "最后编辑人",
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.is_guides_export = request.GET.get("export") == GUIDES_EXPORT

    def get_paginate_by(self, queryset):
        return None if self.is_guides_export else super().get_paginate_by(queryset)

    def get_table(self, object_list):
        return super().get_table(attach_sheet_fit(object_list))

    def exportable(self):
        """The guides the user may export whole (``catalog.spreadsheet_admin``), or None."""
        return exportable_items(self.request.user, town_for_request(self.request))

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons.copy()
        if self.exportable() is not None:
            label = "下载完整指南（XLSX，可改后导入）"
            buttons.append(Button(label, url=self.get_export_url(GUIDES_EXPORT), icon_name="download", priority=110))
        return buttons

    def render_to_response(self, context, **response_kwargs):
        """The filtered guides with their whole content, in the import format of 报告 → 导入导出."""
        if not self.is_guides_export:
            return super().render_to_response(context, **response_kwargs)
        allowed = self.exportable()
        if allowed is None:
            raise PermissionDenied
        return export_items(context["object_list"].filter(pk__in=allowed.values("pk")), "xlsx")

    def to_row_dict(self, item):
        return {
            "code": item.code,
            "title": item.title,
            "category": item.category.name,
            "responsible_unit": item.responsible_unit.name,
            "state": GuideState(item.state).label,
            "problem_count": item.problem_count,
            "next_review_due": item.next_review_due,
            "review_note": _review_label(item),
            "sheet_pages": item.sheet_pages,
            "sheet_body_pt": _body_pt(item),
            "sheet_left_out": _left_out(item),
            "editor_name": item.editor_name or "",
        }


class ReviewDueFilterSet(WagtailFilterSet):
    responsible_unit = django_filters.ModelChoiceFilter(
        label="责任单位", queryset=ResponsibleUnit.objects.all(), empty_label=ALL
    )
    overdue = django_filters.ChoiceFilter(
        label="复核日期",
        choices=[("yes", "已过期"), ("no", f"{DUE_WITHIN_DAYS}天内到期")],
        method="filter_overdue",
        empty_label=ALL,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ServiceItemPage
        fields = ["responsible_unit"]

    def filter_overdue(self, queryset, name, value):
        today, _horizon = review_window()
        overdue = Q(next_review_due__lt=today)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


class ReviewDueReportView(GuideListingMixin, ReportView):
    """Guides whose 复核日期 is past or within 30 days, unit by unit."""

    page_title = "复核到期的指南"
    header_icon = "date"
    index_url_name = "guide_review_due_report"
    index_results_url_name = "guide_review_due_report_results"
    filterset_class = ReviewDueFilterSet
    default_ordering = "responsible_unit__name"
    paginate_by = 100
    export_filename = "guide-review-due"
    columns = [
        UNIT,
        CODE,
        TITLE,
        REVIEW_DUE,
        Column(
            "last_reviewed",
            label="上次核对日期",
            accessor=lambda page: _day(page.last_reviewed),
            sort_key="last_reviewed",
        ),
        STATE,
        EDITOR,
    ]
    list_export = ["responsible_unit", "code", "title", "next_review_due", "review_note", "last_reviewed", "state"]
    export_headings = {
        "responsible_unit": "责任单位",
        "code": "编码",
        "title": "事项名称",
        "next_review_due": "复核日期",
        "review_note": "复核提示",
        "last_reviewed": "上次核对日期",
        "state": "状态",
    }

    def get_queryset(self):
        _today, horizon = review_window()
        return super().get_queryset().filter(next_review_due__lte=horizon)

    def order_queryset(self, queryset):
        """Unit by unit, the most overdue first within each (or by the chosen column)."""
        if self.ordering == self.default_ordering:
            return queryset.order_by("responsible_unit__name", "next_review_due", "code")
        return super().order_queryset(queryset)

    def to_row_dict(self, item):
        return {
            "responsible_unit": item.responsible_unit.name,
            "code": item.code,
            "title": item.title,
            "next_review_due": item.next_review_due,
            "review_note": _review_label(item),
            "last_reviewed": item.last_reviewed,
            "state": GuideState(item.state).label,
        }


# -- dashboard ------------------------------------------------------------------------------


@dataclass
class UnitCounts:
    unit: ResponsibleUnit | None  # None: the totals row
    counts: Counter = field(default_factory=Counter)

    def link(self, **filters) -> str:
        return workbench_url(responsible_unit=self.unit.pk if self.unit else None, **filters)

    @property
    def cells(self) -> list[tuple[int, str]]:
        """(count, workbench link) for 草稿, 审核中, 有质量问题, 复核到期, in the panel's column order."""
        return [
            (self.counts["drafts"], self.link(status=[state.value for state in UNSUBMITTED])),
            (self.counts["in_review"], self.link(status=GuideState.IN_REVIEW.value)),
            (self.counts["problems"], self.link(problems="yes")),
            (self.counts["review_due"], self.link(review="due")),
        ]


def _user_units(user) -> tuple[bool, list[ResponsibleUnit]]:
    """(sees every unit, the units whose editor or reviewer groups ``user`` is in)."""
    if not user.is_authenticated:
        return False, []
    if is_town_reviewer(user):
        return True, []
    return False, list(ResponsibleUnit.objects.filter(pk__in=user_unit_ids(user)))


def unit_counts(site, units: list[ResponsibleUnit] | None) -> list[UnitCounts]:
    """Counts per unit for ``units`` (None: a totals row, then every unit with guides in the town)."""
    problem_counts = guide_problem_counts(site)
    _today, horizon = review_window()
    rows = guide_queryset(site, problem_counts).values_list("pk", "responsible_unit_id", "state", "next_review_due")
    per_unit: dict[int, Counter] = {}
    for page_id, unit_id, state, due in rows:
        counts = per_unit.setdefault(unit_id, Counter())
        counts["guides"] += 1
        counts["drafts"] += state in UNSUBMITTED
        counts["in_review"] += state == GuideState.IN_REVIEW
        counts["problems"] += problem_counts.get(page_id, 0) > 0
        counts["review_due"] += due is not None and due <= horizon
    if units is not None:
        return [UnitCounts(unit, per_unit.get(unit.pk, Counter())) for unit in units]
    total = UnitCounts(None, sum(per_unit.values(), Counter()))
    return [total, *(UnitCounts(unit, per_unit[unit.pk]) for unit in ResponsibleUnit.objects.filter(pk__in=per_unit))]


class GuideDashboardPanel(Component):
    """Home page panel: each unit's guides that need something, linking into the workbench."""

    name = "guide_units"
    template_name = "catalog/dashboard_panel.html"
    order = 150  # after Wagtail's summary, before the moderation panels

    def __init__(self, site, units: list[ResponsibleUnit] | None):
        self.site = site
        self.units = units  # None: every unit, with totals

    def get_context_data(self, parent_context):
        return {
            "rows": unit_counts(self.site, self.units),
            "every_unit": self.units is None,
            "workbench_url": reverse("guide_workbench"),
            "due_within_days": DUE_WITHIN_DAYS,
        }


# -- hooks ------------------------------------------------------------------------------------


class GuideMenuItem(MenuItem):
    """Shown to users who may open the workbench and reports (anyone working on pages)."""

    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(request.user, ADMIN_PERMISSIONS)


@hooks.register("register_admin_urls")
def register_workbench_urls():
    return [
        path("guides/workbench/", GuideWorkbenchView.as_view(), name="guide_workbench"),
        path(
            "guides/workbench/results/",
            GuideWorkbenchView.as_view(results_only=True),
            name="guide_workbench_results",
        ),
        path("reports/review-due/", ReviewDueReportView.as_view(), name="guide_review_due_report"),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="guide_review_due_report_results",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_workbench_menu_item():
    return GuideMenuItem("办事指南工作台", reverse("guide_workbench"), icon_name="list-ul", order=150)


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return GuideMenuItem("复核到期的指南", reverse("guide_review_due_report"), icon_name="date", order=60)


@hooks.register("construct_homepage_panels")
def add_guide_dashboard_panel(request, panels):
    everything, units = _user_units(request.user)
    if everything:
        panels.append(GuideDashboardPanel(town_for_request(request), None))
    elif units:
        panels.append(GuideDashboardPanel(town_for_request(request), units))
