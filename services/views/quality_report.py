"""Admin report: the guide quality check, for editors who never open a shell."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Site

from ..models import ServiceItemPage
from ..quality import check_items


@dataclass(frozen=True)
class ProblemRow:
    page_id: int
    code: str
    title: str
    field: str
    rule: str


class GuideQualityReportView(ReportView):
    page_title = "办事指南质量检查"
    header_icon = "tasks"
    index_url_name = "guide_quality_report"
    index_results_url_name = "guide_quality_report_results"
    paginate_by = 100
    list_export = ["code", "title", "field", "rule"]
    export_headings = {"code": "编码", "title": "事项", "field": "字段", "rule": "问题"}
    columns = [
        Column("code", label="编码"),
        TitleColumn("title", label="事项", get_url=lambda row: reverse("wagtailadmin_pages:edit", args=[row.page_id])),
        Column("field", label="字段"),
        Column("rule", label="问题"),
    ]

    def get_filename(self) -> str:
        return f"guide-quality-{dt.date.today():%Y-%m-%d}"

    def get_queryset(self):
        site = Site.find_for_request(self.request) or Site.objects.get(is_default_site=True)
        items = ServiceItemPage.objects.descendant_of(site.root_page).order_by("path")
        code = self.request.GET.get("code", "").strip().upper()
        if code:
            items = items.filter(code__startswith=code)
        titles = dict(items.values_list("code", "title"))
        ids = dict(items.values_list("code", "pk"))
        return [
            ProblemRow(ids[p.code], p.code, titles[p.code], p.label, p.rule) for p in check_items(items, site.root_page)
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["items_checked"] = ServiceItemPage.objects.count()
        return context
