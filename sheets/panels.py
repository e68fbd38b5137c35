"""The 明白纸 panel on edit forms: current edition, page count, and warnings for editors."""

from __future__ import annotations

import json

from django.urls import reverse
from wagtail.admin.panels import Panel

from .cache import latest_render
from .content import build
from .editions import current_edition
from .fonts import missing_characters


class SheetPanel(Panel):
    """Shows whether the published sheet fits one page and prints every character."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "sheets/admin/sheet_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
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
                missing=missing_characters(_sheet_text(page)),
            )
            return context


def _sheet_text(page) -> str:
    try:
        snapshot = build(page).snapshot()
    except Exception:  # a half-filled draft; the guide quality panel reports what is missing
        return ""
    return json.dumps(snapshot, ensure_ascii=False)  # str() would escape unprintable characters
