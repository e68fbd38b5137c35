"""An editor rewrites a guide's one-line summary: draft, preview, publish, and the printed sheet follows."""

from __future__ import annotations

import re
import time

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.browser.language import english_on_screen

pytestmark = pytest.mark.browser

CODE = "QH-MZ-001"
TITLE = "最低生活保障申请"
SERVICES = "为民服务事项"
SHEET_WAIT = 60  # seconds; sheets are re-rendered by the task worker after a publish


def pdf_text(data: bytes) -> str:
    """All text of a PDF with the whitespace removed, so a wrapped line still matches."""
    document = pypdfium2.PdfDocument(data)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return re.sub(r"\s+", "", text)


def test_editor_changes_a_summary_previews_publishes_and_the_sheet_follows(journey, portal):
    tab = journey(viewport=(1280, 900))
    page = tab.page
    summary = f"浏览器测试改写的简介，编号{time.strftime('%m%d%H%M%S')}。"
    sheet_line = f"明白纸简介{time.strftime('%m%d%H%M%S')}"  # the guide prints its short form, not the summary

    tab.log_in(portal.username, portal.password, shots=True)  # each admin shot is checked for English

    # Page explorer: the site's home, then the services index, then page through to the guide.
    page.goto("/admin/pages/")
    page.get_by_role("link", name=re.compile("的子页面")).first.click()
    page.get_by_role("link", name=f"查看'{SERVICES}'的子页面").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SERVICES)
    tab.shot("services-listing")
    assert english_on_screen(page) == []
    guide = page.get_by_role("link", name=TITLE, exact=True)
    for number in range(2, 10):  # 50 pages a listing page; the guide is not on the first
        if guide.count():
            break
        page.get_by_role("link", name="下一个").click()
        page.wait_for_url(re.compile(rf"[?&]p={number}\b"))
        expect(page.get_by_role("link", name="上一个")).to_be_visible()
    guide.scroll_into_view_if_needed()
    tab.shot("guide-in-listing")
    assert english_on_screen(page) == []
    guide.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    page_id = re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1)
    expect(page.get_by_role("textbox", name="编码")).to_have_value(CODE)
    tab.shot("edit-form")
    assert english_on_screen(page) == []

    # Rewrite the summary and save a draft.
    field = page.get_by_role("textbox", name=re.compile(r"^一句话简介"))
    field.fill(summary)
    page.get_by_role("textbox", name=re.compile(r"^明白纸上的一句话简介")).fill(sheet_line)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已被更新")
    expect(page.get_by_role("textbox", name=re.compile(r"^一句话简介"))).to_have_value(summary)
    tab.shot("draft-saved")
    assert english_on_screen(page) == []

    # The preview panel shows the draft.
    page.wait_for_load_state()  # the admin's scripts are in: a click before them opens nothing
    with page.expect_response(lambda r: "/edit/preview/" in r.url and r.request.method == "GET") as preview_info:
        page.get_by_role("button", name="预览开关").click()
    preview = preview_info.value
    assert preview.status == 200, f"preview answered {preview.status}"
    frame = page.frame_locator("iframe[src*='/edit/preview/']")
    expect(frame.locator("h1")).to_have_text(TITLE)
    expect(frame.get_by_text(summary)).to_be_attached()
    frame.get_by_text(summary).scroll_into_view_if_needed()
    tab.shot("preview-panel")
    assert english_on_screen(page) == []

    # The draft opened on its own, as the 查看草稿 link does.
    draft = page.context.new_page()
    response = draft.goto(f"/admin/pages/{page_id}/view_draft/")
    assert response.status == 200, f"view_draft answered {response.status}"
    expect(draft.get_by_text(summary)).to_be_visible()
    draft.get_by_text(summary).scroll_into_view_if_needed()
    tab.shot("draft-view", page=draft)
    draft.close()

    # The live page still shows the old text until the editor publishes.
    live_url = page.get_by_role("link", name=re.compile("查看已发布页面")).first.get_attribute("href")
    assert summary not in page.request.get(live_url).text()

    page.get_by_role("button", name="更多动作").click()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(re.compile(f"'{TITLE}' 已经?发布"))
    expect(page.locator(".messages").get_by_role("link", name="实时查看")).to_be_visible()
    tab.shot("published")
    assert english_on_screen(page) == []

    with page.expect_navigation() as live_info:
        page.locator(".messages").get_by_role("link", name="实时查看").click()
    assert live_info.value.status == 200
    assert live_info.value.url.endswith(live_url)
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#summary")).to_contain_text(summary)
    page.locator("#summary").scroll_into_view_if_needed()
    tab.shot("live-page")

    # The sheet catches up once the background render is done.
    sheet_url = page.get_by_role("link", name="打印明白纸").get_attribute("href")
    assert sheet_url == f"/sheets/{CODE}.pdf"
    deadline = time.monotonic() + SHEET_WAIT
    seen = []
    while True:
        response = page.request.get(sheet_url, headers={"Cache-Control": "no-cache"})
        if response.status == 200 and response.headers["content-type"] == "application/pdf":
            body = response.body()
            assert body.startswith(b"%PDF-")
            if sheet_line in re.sub(r"\s+", "", pdf_text(body)):
                break
        seen.append(response.status)
        assert time.monotonic() < deadline, f"sheet still without the new short form after {SHEET_WAIT} s: {seen}"
        time.sleep(1)
    tab.steps.append(("sheet-updated", time.monotonic() - tab.started))

    assert tab.problems == []
