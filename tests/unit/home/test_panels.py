"""Panels other apps add to content pages by hook: the 明白纸 panel of ``sheets``."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.panels import HelpPanel, TabbedInterface

from home.panels import PAGE_EDIT_PANELS_HOOK, edit_handler_with_hooked_panels, hooked_panels
from notices.models import NoticePage
from places.models import PlacePage
from services.models import CertificateEntryPage, CertificateListPage, ServiceItemPage
from sheets.panels import SheetPanel


def all_panels(panel):
    yield panel
    for child in getattr(panel, "children", []):
        yield from all_panels(child)


def sheet_panels(model) -> list:
    return [panel for panel in all_panels(model.get_edit_handler()) if isinstance(panel, SheetPanel)]


def test_the_sheet_panel_heads_the_first_tab_of_pages_with_a_sheet():
    for model in (ServiceItemPage, PlacePage, CertificateListPage):
        handler = model.get_edit_handler()
        assert isinstance(handler, TabbedInterface)
        first_tab = handler.children[0]
        assert isinstance(first_tab.children[0], SheetPanel), model.__name__
        assert first_tab.children[0].heading == "明白纸"
        assert len(sheet_panels(model)) == 1


def test_the_item_keeps_its_own_tabs_after_the_hooked_panel():
    handler = ServiceItemPage.get_edit_handler()
    headings = [tab.heading for tab in handler.children]
    assert headings[:5] == ["基本信息", "申请条件与材料", "办理", "咨询、依据与问答", "关联与审核"]
    first_tab = handler.children[0]
    assert first_tab.children[1].heading == "质量检查"  # the item's own first panel follows


def test_pages_without_a_sheet_have_no_sheet_panel():
    assert sheet_panels(NoticePage) == []
    assert sheet_panels(CertificateEntryPage) == []  # coded, shown on its list's sheet, no sheet of its own


def test_hooked_panels_are_asked_per_model():
    assert [type(p) for p in hooked_panels(ServiceItemPage)] == [SheetPanel]
    assert hooked_panels(NoticePage) == []


def test_a_new_hook_puts_its_panels_in_front_of_the_first_tab():
    def notice_help(model):
        return [HelpPanel(content="测试说明", heading="测试面板")] if model is NoticePage else []

    with hooks.register_temporarily(PAGE_EDIT_PANELS_HOOK, notice_help):
        handler = edit_handler_with_hooked_panels(NoticePage)
        item_handler = edit_handler_with_hooked_panels(ServiceItemPage)
    first_tab = handler.children[0]
    assert isinstance(first_tab.children[0], HelpPanel)
    assert first_tab.children[0].heading == "测试面板"
    assert first_tab.children[1].field_name == "title"
    assert [tab.heading for tab in handler.children] == [tab.heading for tab in NoticePage.get_edit_handler().children]
    assert not any(isinstance(p, HelpPanel) for p in item_handler.children[0].children)
