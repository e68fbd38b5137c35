"""Admin reports over the anonymous query log: daily counts, top queries, zero results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from .models import QueryLogDay

DAYS = 30


@dataclass(frozen=True)
class LogRow:
    label: str
    searches: int
    zero_results: int
    link: str = ""


def _since() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=DAYS - 1)


def _search_link(row: LogRow) -> str:
    return row.link


class _LogReport(ReportView):
    paginate_by = 50
    list_export = ["label", "searches", "zero_results"]
    export_headings = {"label": "搜索词", "searches": "搜索次数", "zero_results": "无结果次数"}
    columns = [
        TitleColumn("label", label="搜索词", get_url=_search_link),
        Column("searches", label=f"近{DAYS}天搜索次数"),
        Column("zero_results", label="无结果次数"),
    ]

    def get_filename(self) -> str:
        return f"{self.index_url_name}-{timezone.localdate():%Y-%m-%d}"

    def queries(self):
        return (
            QueryLogDay.objects.filter(day__gte=_since())
            .values("query")
            .annotate(total=Sum("searches"), empty=Sum("zero_results"))
        )

    def row(self, entry: dict) -> LogRow:
        return LogRow(entry["query"], entry["total"], entry["empty"], reverse("search") + f"?q={entry['query']}")


class TopQueriesReport(_LogReport):
    page_title = "热门搜索词"
    header_icon = "search"
    index_url_name = "search_top_queries"
    index_results_url_name = "search_top_queries_results"

    def get_queryset(self):
        return [self.row(e) for e in self.queries().order_by("-total", "query")]


class ZeroResultsReport(_LogReport):
    page_title = "无结果搜索词"
    header_icon = "warning"
    index_url_name = "search_zero_results"
    index_results_url_name = "search_zero_results_results"

    def get_queryset(self):
        rows = self.queries().filter(zero_results__gt=0).order_by("-empty", "query")
        return [self.row(e) for e in rows if e["empty"]]


class DailySearchesReport(_LogReport):
    page_title = "每日搜索量"
    header_icon = "date"
    index_url_name = "search_daily"
    index_results_url_name = "search_daily_results"
    export_headings = {"label": "日期", "searches": "搜索次数", "zero_results": "无结果次数"}
    columns = [
        Column("label", label="日期"),
        Column("searches", label="搜索次数"),
        Column("zero_results", label="无结果次数"),
    ]

    def get_queryset(self):
        rows = (
            QueryLogDay.objects.filter(day__gte=_since())
            .values("day")
            .annotate(total=Sum("searches"), empty=Sum("zero_results"))
            .order_by("-day")
        )
        return [LogRow(f"{r['day']:%Y-%m-%d}", r["total"], r["empty"]) for r in rows]


REPORTS = [DailySearchesReport, TopQueriesReport, ZeroResultsReport]
