"""The service directory: browse items by category, life event or level."""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from .taxonomy import LifeEvent, ServiceCategory


class ServiceIndexPage(RoutablePageMixin, Page):
    """为民服务事项 directory; items live directly below it."""

    intro = models.TextField("导语", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["services.ServiceItemPage"]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "服务事项目录"

    def items(self):
        from .item import ServiceItemPage

        return (
            ServiceItemPage.objects.live()
            .child_of(self)
            .select_related("category", "responsible_unit")
            .order_by("path")
        )

    def categories_with_items(self) -> list[tuple[ServiceCategory, list]]:
        items = list(self.items())
        groups: dict[int, list] = {}
        for item in items:
            groups.setdefault(item.category_id, []).append(item)
        return [(cat, groups[cat.pk]) for cat in ServiceCategory.objects.all() if cat.pk in groups]

    @path("")
    def directory(self, request):
        return self.render(request, context_overrides={"groups": self.categories_with_items()})

    @path("category/<slug:slug>/")
    def by_category(self, request, slug: str):
        category = get_object_or_404(ServiceCategory, slug=slug)
        return self.render(
            request,
            template="services/service_list_page.html",
            context_overrides={
                "heading": category.name,
                "description": category.description,
                "listed_items": self.items().filter(category=category),
            },
        )

    @path("life-event/<slug:slug>/")
    def by_life_event(self, request, slug: str):
        event = get_object_or_404(LifeEvent, slug=slug)
        return self.render(
            request,
            template="services/service_list_page.html",
            context_overrides={
                "heading": event.name,
                "description": event.description,
                "listed_items": self.items().filter(life_events=event),
            },
        )

    @path("level/<str:level>/")
    def by_level(self, request, level: str):
        from ..values import Level

        if level not in Level.values:
            raise Http404("没有这个办理层级")
        return self.render(
            request,
            template="services/service_list_page.html",
            context_overrides={
                "heading": Level(level).label,
                "description": "",
                "listed_items": self.items().filter(level=level),
            },
        )
