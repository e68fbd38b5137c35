"""Admin menu: the taxonomies editors keep, grouped under one heading."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import LifeEvent, ResponsibleUnit, ServiceCategory
from .views.quality_report import GuideQualityReportView


class ServiceCategoryViewSet(SnippetViewSet):
    model = ServiceCategory
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


class LifeEventViewSet(SnippetViewSet):
    model = LifeEvent
    icon = "user"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


class ResponsibleUnitViewSet(SnippetViewSet):
    model = ResponsibleUnit
    icon = "group"
    list_display = ["name", "short_name", "phone"]
    search_fields = ["name"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "分类与单位"
    menu_icon = "tag"
    menu_order = 300
    items = (ServiceCategoryViewSet, LifeEventViewSet, ResponsibleUnitViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("register_admin_urls")
def register_quality_report_url():
    view = GuideQualityReportView
    return [
        path("reports/guide-quality/", view.as_view(), name="guide_quality_report"),
        path("reports/guide-quality/results/", view.as_view(results_only=True), name="guide_quality_report_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_quality_report_menu_item():
    return MenuItem("办事指南质量检查", reverse("guide_quality_report"), icon_name="tasks", order=50)
