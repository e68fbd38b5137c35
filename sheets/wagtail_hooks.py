"""The 明白纸 panel on the edit form of every page type that has a sheet, and its draft preview."""

from django.urls import re_path
from wagtail import hooks

from home.panels import PAGE_EDIT_PANELS_HOOK

from .content import has_sheet
from .panels import SheetPanel
from .preview import preview_png, queue_preview


@hooks.register(PAGE_EDIT_PANELS_HOOK)
def sheet_panel(model) -> list:
    return [SheetPanel(heading="明白纸")] if has_sheet(model) else []


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def preview_saved_draft(request, page) -> None:
    """Each save from the edit form (draft, autosave or publish) queues the preview of the revision it made.

    Autosave saves over one revision while the editor types; a task finding that
    save's preview made already does nothing (``preview.make_preview``)."""
    if has_sheet(page) and page.latest_revision_id is not None:
        queue_preview(page.pk, page.latest_revision_id)


@hooks.register("register_admin_urls")
def register_preview_urls():
    return [
        re_path(
            r"^sheets/preview/(?P<page_id>\d+)/(?P<revision_id>\d+)/(?P<stamp>\d+\.\d+)\.png$",
            preview_png,
            name="sheet_preview_png",
        )
    ]
