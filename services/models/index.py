"""The service directory: browse items by category, life event or level."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from home.models import SectionPage

from ..values import Level
from .taxonomy import LifeEvent, ServiceCategory


class ServiceIndexPage(RoutablePageMixin, SectionPage):
    """为民服务事项 directory; items live directly below it."""

    section_key = "services"
    subpage_types = ["services.ServiceItemPage"]

    class Meta:
        verbose_name = "服务事项目录"

    def categories(self):
        """Categories to browse by, for the directory and the home page."""
        return ServiceCategory.objects.all()

    def life_events(self):
        return LifeEvent.objects.all()

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

    def render_list(self, request, heading: str, description: str, items):
        return self.render(
            request,
            template="services/service_list_page.html",
            context_overrides={"heading": heading, "description": description, "listed_items": items},
        )

    @path("category/<slug:slug>/")
    def by_category(self, request, slug: str):
        category = get_object_or_404(ServiceCategory, slug=slug)
        return self.render_list(request, category.name, category.description, self.items().filter(category=category))

    @path("life-event/<slug:slug>/")
    def by_life_event(self, request, slug: str):
        event = get_object_or_404(LifeEvent, slug=slug)
        return self.render_list(request, event.name, event.description, self.items().filter(life_events=event))

    @path("level/<str:level>/")
    def by_level(self, request, level: str):
        if level not in Level.values:
            raise Http404("没有这个办理层级")
        return self.render_list(request, Level(level).label, "", self.items().filter(level=level))
