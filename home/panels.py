"""Edit-form panels that apps above the content layer add to content pages.

A content model lists its own panels. An app that builds something from it
(the 明白纸 panel of ``sheets``, for instance) must not be imported by the
content model, so it registers a Wagtail hook instead::

    @hooks.register(PAGE_EDIT_PANELS_HOOK)
    def sheet_panels(model):
        return [SheetPanel(heading="明白纸")] if has_sheet(model) else []

The panels each hook returns for a model go at the top of the first tab.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.panels import ObjectList, Panel, TabbedInterface
from wagtail.models import Page
from wagtail.utils.decorators import cached_classmethod

PAGE_EDIT_PANELS_HOOK = "register_page_edit_panels"


def hooked_panels(model: type[Page]) -> list[Panel]:
    return [panel for hook in hooks.get_hooks(PAGE_EDIT_PANELS_HOOK) for panel in hook(model)]


def edit_handler_with_hooked_panels(model: type[Page]) -> Panel:
    """Wagtail's edit handler for ``model`` with the hooked panels in front of its first tab."""
    handler = Page.__dict__["get_edit_handler"].fn(model)  # Wagtail's own, bound to model
    extra = hooked_panels(model)
    if not extra or not isinstance(handler, TabbedInterface) or not handler.children:
        return handler
    first, *rest = handler.children
    first_tab = ObjectList(**(first.clone_kwargs() | {"children": [*extra, *first.children]}))
    tabs = TabbedInterface(**(handler.clone_kwargs() | {"children": [first_tab, *rest]}))
    return tabs.bind_to_model(model)


class HookedPanelsMixin:
    """Page mixin: the edit form also shows panels that other apps register by hook."""

    @cached_classmethod
    def get_edit_handler(cls) -> Panel:
        return edit_handler_with_hooked_panels(cls)
