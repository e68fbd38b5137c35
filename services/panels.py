"""Admin panel showing a guide's quality problems on its own edit form."""

from __future__ import annotations

from wagtail.admin.panels import Panel

from home.models import TownSettings
from home.towns import town_of

from .quality import check_item, must_not_issue_names


class GuideQualityPanel(Panel):
    """Lists what ``check_guides`` would report for the revision being edited."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "services/admin/guide_quality_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            item = self.instance
            context["problems"] = _check(item, self.form) if item.pk else None
            return context


def _check(item, form) -> list:
    """The item's problems, with the must-not-issue list and phones of its own town."""
    _share_form_rows(item, form)
    site = town_of(item)
    town = TownSettings.for_site(site) if site is not None else None
    names = must_not_issue_names(site.root_page if site is not None else None)
    return check_item(item, names, town)


def _share_form_rows(item, form) -> None:
    """Let the checks read the inline rows the edit form's formsets fetch anyway.

    A published guide without a draft is edited straight from the database, so
    each inline relation would be read twice: once for its formset, once for
    the checks. Handing the formset's rows to the page as its prefetched rows
    makes that one query each. A draft's rows are in memory already.
    """
    in_memory = getattr(item, "_cluster_related_objects", {})
    prefetched = item.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, formset in getattr(form, "formsets", {}).items():
        if name in in_memory or name in prefetched or getattr(formset, "instance", None) is not item:
            continue
        prefetched[name] = formset.get_queryset()
