"""A resident on a phone looks up 低保 and prints its clarity sheet (明白纸)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": (360, 800),
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
CODE = "QH-MZ-001"
TITLE = "最低生活保障申请"
SECTIONS = ("事项简介", "申请条件", "申请材料", "办理流程", "办理时限")


def test_resident_finds_dibao_and_prints_its_sheet(journey):
    tab = journey(**PHONE)
    page = tab.page

    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    tab.shot("home")

    box = page.get_by_label("想办什么事？")
    box.tap()
    box.press_sequentially("低保")
    tab.shot("typed-query")
    page.get_by_role("button", name="搜索").tap()
    page.wait_for_url(re.compile(r"/search/\?q="))
    results = page.locator(".result-list")
    expect(results).to_contain_text("最低生活保障")
    hit = results.get_by_role("link", name=TITLE, exact=True)
    expect(hit).to_have_attribute("href", re.compile(CODE.lower()))
    tab.shot("results")

    hit.tap()
    page.wait_for_url(re.compile(CODE.lower()))
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".guide-meta")).to_contain_text(f"事项编码 {CODE}")
    for heading in SECTIONS:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    tab.shot("guide")

    sheet_link = page.get_by_role("link", name="打印明白纸")
    expect(sheet_link).to_have_attribute("href", f"/sheets/{CODE}.pdf")
    sheet_link.scroll_into_view_if_needed()
    tab.shot("sheet-link")
    with page.expect_response(lambda response: response.url.endswith(f"/sheets/{CODE}.pdf")) as sheet_info:
        sheet_link.tap()
    sheet = sheet_info.value
    assert sheet.status == 200
    assert sheet.headers["content-type"] == "application/pdf"
    # Chromium hands the body to its PDF viewer (the response then reads as the viewer's HTML),
    # so fetch the file itself with the tab's own request context.
    pdf = page.request.get(sheet.url)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    # Chromium shows the sheet in its own PDF viewer; give it a moment to paint for the picture.
    page.wait_for_url(f"**/sheets/{CODE}.pdf")
    page.wait_for_timeout(1500)
    tab.shot("sheet-pdf")

    assert tab.problems == []
