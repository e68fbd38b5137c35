"""The 明白纸 panel on the edit form of every page type that has a sheet."""

from wagtail import hooks

from home.panels import PAGE_EDIT_PANELS_HOOK

from .content import has_sheet
from .panels import SheetPanel


@hooks.register(PAGE_EDIT_PANELS_HOOK)
def sheet_panel(model) -> list:
    return [SheetPanel(heading="明白纸")] if has_sheet(model) else []
