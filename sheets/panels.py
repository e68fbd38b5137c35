"""The 明白纸 panel on edit forms: current edition, page count, the draft's preview, and warnings for editors."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.urls import reverse
from modelcluster.models import get_all_child_relations
from wagtail.admin.panels import Panel
from wagtail.models import Page

from .cache import latest_render
from .content import SNAPSHOT_FORMAT, build
from .editions import current_edition
from .fonts import missing_characters
from .preview import for_panel

MISSING_CACHE_SECONDS = 24 * 60 * 60


class SheetPanel(Panel):
    """Shows the sheet the draft would print, whether the published sheet fits one page, and unprintable characters.

    The draft's preview (a picture of page 1, the body size reached, what was
    left out) is made in the background after each save (``sheets.preview``);
    the panel only reads it, and says 预览生成中… until it is ready.
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "sheets/admin/sheet_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["preview"] = for_panel(page) if page.pk else None
            if not page.pk or not page.live or not getattr(page, "code", ""):
                context["unpublished"] = True
                return context
            edition = current_edition(page)
            render = latest_render(page)
            context.update(
                edition=edition,
                render=render,
                overflow=render is not None and render.pages > 1,
                sheet_url=reverse("sheets:sheet", args=[page.code]),
                missing=missing_in_draft(page),
            )
            return context


def missing_in_draft(page) -> list[str]:
    """Characters of the sheet the edited revision would make that no sheet font can draw.

    The answer is cached per revision: opening the same revision's edit form
    again neither rebuilds the sheet content nor needs the fonts loaded. A
    revision's text never changes; the few words a sheet takes from other pages
    (place names, the unit) are checked on those pages' own forms.
    """
    revision_id = getattr(page, "latest_revision_id", None)
    created = getattr(page, "latest_revision_created_at", None)
    if revision_id is None or created is None:
        return missing_characters(_sheet_text(page))
    # The time as well as the id: an id can come back after a rollback or a deleted newest revision.
    key = f"sheets:panel-missing:{page.pk}:{revision_id}:{created.timestamp():.6f}:{SNAPSHOT_FORMAT}"
    missing = cache.get(key)
    if missing is None:
        missing = missing_characters(_sheet_text(page))
        cache.set(key, missing, MISSING_CACHE_SECONDS)
    return missing


def _sheet_text(page) -> str:
    _preload_row_pages(page)
    try:
        snapshot = build(page).snapshot()
    except Exception:  # a half-filled draft; the guide quality panel reports what is missing
        return ""
    return json.dumps(snapshot, ensure_ascii=False)  # str() would escape unprintable characters


def _preload_row_pages(page) -> None:
    """Fetch the pages that in-memory inline rows point at (an item's places, say), one query per page type.

    A revision being edited holds its rows in memory with bare ids, so building
    its sheet would otherwise look up each row's page on its own. Rows read
    from the database are left alone: the sheet builder fetches those itself.
    """
    in_memory = getattr(page, "_cluster_related_objects", {})
    for relation in get_all_child_relations(page):
        rows = list(in_memory.get(relation.get_accessor_name(), ()))
        if not rows:
            continue
        for field in rows[0]._meta.concrete_fields:
            target = field.related_model
            if not field.many_to_one or field is relation.field or target is None or not issubclass(target, Page):
                continue
            waiting = [row for row in rows if getattr(row, field.attname) and not field.is_cached(row)]
            found = target.objects.in_bulk({getattr(row, field.attname) for row in waiting}) if waiting else {}
            for row in waiting:
                if getattr(row, field.attname) in found:
                    field.set_cached_value(row, found[getattr(row, field.attname)])
