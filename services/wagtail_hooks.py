"""Admin menu: the taxonomies editors keep, grouped under one heading."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import LifeEvent, ResponsibleUnit, ServiceCategory


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
