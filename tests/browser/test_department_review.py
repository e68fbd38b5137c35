"""A department editor and reviewer: find a guide by a Chinese word, hit the quality gate, fix it,
preview, submit; the unit's reviewer approves with 已核对 and the page and its sheet follow."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_editor import SHEET_WAIT, pdf_text
from tests.catalog_db import manage

pytestmark = pytest.mark.browser

CODE, TITLE, OTHER_UNIT_CODE = "QH-MZ-001", "最低生活保障申请", "QH-RS-001"
PASSWORD = "dept-review-Pw-1"
USERS = f"""
from django.contrib.auth import get_user_model
from services.models import ServiceItemPage
unit = ServiceItemPage.objects.get(code={CODE!r}).responsible_unit
User = get_user_model()
for name, group in (("mz-editor", unit.editors_group), ("mz-reviewer", unit.reviewers_group)):
    user = User.objects.create_user(name, name + "@example.invalid", {PASSWORD!r})
    user.groups.add(group)
"""


def _page_id(portal, code: str) -> int:
    with sqlite3.connect(portal.database) as db:
        (page_id,) = db.execute("SELECT page_ptr_id FROM services_serviceitempage WHERE code = ?", (code,)).fetchone()
    return page_id


def _footer_action(page, name: str | re.Pattern) -> None:
    """Click an action of the edit form's footer, opening the 更多动作 menu when it is there."""
    button = page.get_by_role("button", name=name).first
    if not button.is_visible():
        page.get_by_role("button", name="更多动作").click()
    button.click()


SUBMIT = re.compile("^提交")  # 提交给“办事指南审核”


def test_department_editor_and_reviewer(journey, portal):
    manage("shell", "-c", USERS, env=portal.env, timeout=120)
    summary = f"民政编辑改写的简介，编号{time.strftime('%m%d%H%M%S')}。"
    sheet_line = f"民政改写的明白纸简介{time.strftime('%m%d%H%M%S')}"  # what the sheet prints
    editor = journey(viewport=(1280, 900))
    page = editor.page

    # The 民政 editor finds the guide by an everyday word in the admin search.
    editor.log_in("mz-editor", PASSWORD)
    editor.shot("editor-dashboard")
    page.goto("/admin/pages/search/")
    page.get_by_role("textbox", name=re.compile("搜索")).first.fill("低保")
    page.keyboard.press("Enter")
    result = page.get_by_role("link", name=TITLE, exact=True).first
    expect(result).to_be_visible()
    editor.shot("admin-search-dibao")
    result.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.get_by_role("textbox", name="编码")).to_have_value(CODE)

    # A change that leaves the guide without a legal basis: saved as a draft, refused for review.
    page.get_by_role("textbox", name=re.compile(r"^一句话简介")).fill(summary)
    page.get_by_role("textbox", name=re.compile(r"^明白纸上的一句话简介")).fill(sheet_line)
    page.get_by_role("tab", name="咨询、依据与问答").click()
    for button in page.locator("[id^='id_legal_bases-'][id$='-DELETE-button']").all():
        if button.is_visible():
            button.click()
    editor.shot("legal-basis-removed")
    _footer_action(page, SUBMIT)
    errors = page.locator(".messages, .help-block, .error-message").filter(has_text="必须修改后才能发布")
    expect(errors.first).to_be_visible()
    expect(page.get_by_text("至少需要一条设定依据").first).to_be_visible()
    editor.shot("blocking-problem")

    # Fix it: add a basis back, save the draft and preview it.
    page.get_by_role("tab", name="咨询、依据与问答").click()
    total = int(page.locator("#id_legal_bases-TOTAL_FORMS").input_value())
    page.locator("#id_legal_bases-ADD").click()
    page.locator(f"#id_legal_bases-{total}-document").fill("《社会救助暂行办法》")
    page.locator(f"#id_legal_bases-{total}-article").fill("第九条")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已被更新")
    page.wait_for_load_state()  # the admin's scripts are in: a click before them opens nothing
    with page.expect_response(lambda r: "/edit/preview/" in r.url and r.request.method == "GET") as preview_info:
        page.get_by_role("button", name="预览开关").click()
    assert preview_info.value.status == 200
    frame = page.frame_locator("iframe[src*='/edit/preview/']")
    expect(frame.get_by_text(summary)).to_be_attached()
    editor.shot("draft-preview")

    _footer_action(page, SUBMIT)
    expect(page.locator(".messages")).to_contain_text("提交")
    editor.shot("submitted")

    # Another unit's guide does not open for editing.
    response = page.goto(f"/admin/pages/{_page_id(portal, OTHER_UNIT_CODE)}/edit/")
    assert "/edit/" not in page.url or response.status == 403
    expect(page.locator(".messages")).to_contain_text(re.compile("权限|无权"))
    editor.shot("other-unit-refused")

    # The 民政 reviewer approves with 已核对.
    reviewer = journey(viewport=(1280, 900))
    page = reviewer.page
    reviewer.log_in("mz-reviewer", PASSWORD)
    expect(page.get_by_text(TITLE).first).to_be_visible()
    reviewer.shot("reviewer-dashboard")
    page.goto(f"/admin/pages/{_page_id(portal, CODE)}/edit/")
    _footer_action(page, re.compile("^批准"))
    dialog = page.locator(".modal")
    dialog.get_by_label(re.compile("已核对")).check()
    reviewer.shot("approve-dialog")
    dialog.locator("button[type=submit], input[type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text(TITLE)
    reviewer.shot("approved")

    live = page.goto("/services/qh-mz-001/")
    assert live.status == 200
    expect(page.locator("#summary")).to_contain_text(summary)
    reviewer.shot("live-page")

    deadline = time.monotonic() + SHEET_WAIT
    while True:
        response = page.request.get(f"/sheets/{CODE}.pdf", headers={"Cache-Control": "no-cache"})
        if response.status == 200 and sheet_line in re.sub(r"\s+", "", pdf_text(response.body())):
            break
        assert time.monotonic() < deadline, f"sheet without the new short form after {SHEET_WAIT} s"
        time.sleep(1)
    assert editor.problems == [] and reviewer.problems == []
