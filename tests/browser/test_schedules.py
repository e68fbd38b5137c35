"""Work that happens with nobody running a command: the scheduler and the task worker beside the live portal.

The ``portal`` fixture starts ``run_scheduler`` (every few seconds here,
SCHEDULER_INTERVAL) and ``db_worker`` with the server, as ``make run`` and the
systemd units do. An editor schedules one notice to go live and sets another
one's 下架时间, each about 20 seconds ahead, and a resident sees the first
appear and the second go away; the test itself runs nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.catalog_db import manage

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
AHEAD = dt.timedelta(seconds=25)  # from setting a time to publishing takes a few seconds
WAIT = 90  # seconds: the times set, plus a few scheduler runs, with room for a busy machine
EXPIRING = "镇便民服务中心周六延时服务的公告"  # a live demo notice without a 下架时间
NEW_TITLE = "浏览器测试：定时上线的通知"


def shanghai_in(delta: dt.timedelta) -> str:
    """A time ``delta`` from now as the admin's date-time fields read it (Asia/Shanghai), to the second."""
    return (dt.datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%d %H:%M:%S")


def set_datetime(field, value: str) -> None:
    """Write a time to the second into an admin date-time field.

    The admin's date picker works in whole minutes and rewrites the field when
    it is typed into; an editor sets a time at most a minute ahead, but the
    journey should not wait a minute, so the value goes straight into the
    field (the form accepts seconds).
    """
    field.evaluate("(element, value) => { element.value = value; }", value)


def publish_from_footer(page) -> None:
    """发布, or 定时发布 once a go-live time is set."""
    page.get_by_role("button", name="更多动作").click()
    page.locator("footer button[name='action-publish']").click()
    expect(page.locator(".messages")).to_be_visible()


def notice_titles(page) -> list[str]:
    page.goto("/notices/")  # the demo town's 通知公告 section
    return page.locator(".notice-list a").all_inner_texts()


def test_a_scheduled_notice_goes_live_and_an_expiring_one_goes_away(journey, browser, portal):
    editor = journey(viewport=(1280, 900))
    page = editor.page
    editor.log_in(portal.username, portal.password)

    # 1. A new notice is scheduled to go live (上线时间, in the side panel's schedule).
    page.goto("/admin/pages/search/?q=通知公告")
    index_href = page.get_by_role("link", name="通知公告", exact=True).first.get_attribute("href")
    index_id = re.search(r"/pages/(\d+)/", index_href).group(1)
    page.goto(f"/admin/pages/add/notices/noticepage/{index_id}/")
    page.locator("#id_title").fill(NEW_TITLE)
    page.locator(".public-DraftEditor-content").first.click()
    page.keyboard.type("这条通知由编辑设定上线时间，到时自动出现在通知公告栏目。")
    page.get_by_role("button", name="状态开关").click()
    page.get_by_role("button", name="设置计划").click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    go_live_at = shanghai_in(AHEAD)
    set_datetime(dialog.locator("#id_go_live_at"), go_live_at)
    editor.shot("go-live-schedule")
    dialog.get_by_role("button", name="保存计划").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    new_id = re.search(r"/pages/(\d+)/edit/", page.url).group(1)
    with sqlite3.connect(portal.database) as db:  # one page, whatever the admin saved on the way
        made = [str(pk) for (pk,) in db.execute("SELECT id FROM wagtailcore_page WHERE title = ?", (NEW_TITLE,))]
    assert made == [new_id]
    # The reloaded form shows the time in minutes, and publishing sends the form again: put the seconds back.
    set_datetime(page.locator("#id_go_live_at"), go_live_at)
    publish_from_footer(page)
    page.goto(f"/admin/pages/{index_id}/")
    expect(page.locator("tr", has_text=NEW_TITLE)).to_contain_text("已计划")
    editor.shot("go-live-scheduled")

    # 2. An existing notice gets a 下架时间, in the main panel of its edit form.
    page.goto("/admin/pages/search/?q=周六延时")
    page.get_by_role("link", name=EXPIRING).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expiring_id = re.search(r"/pages/(\d+)/edit/", page.url).group(1)
    content_tab = page.get_by_role("tabpanel", name="内容")
    expiry = content_tab.get_by_role("textbox", name="下架时间")
    expect(expiry).to_be_visible()
    expect(content_tab).to_contain_text("到了这个时间，通知自动从网站撤下")
    expire_at = shanghai_in(AHEAD)
    set_datetime(expiry, expire_at)
    expiry.scroll_into_view_if_needed()
    editor.shot("expiry-in-main-panel")
    publish_from_footer(page)
    expect(page.locator(".messages")).to_contain_text(re.compile(f"'{EXPIRING}' 已经?发布"))
    editor.shot("expiry-published")

    # 3. A resident on a phone, right after: the new notice is not there yet, the other one still is.
    phone = browser.new_context(base_url=portal.url, viewport={"width": 360, "height": 800}, locale="zh-CN")
    resident = phone.new_page()
    try:
        titles = notice_titles(resident)
        assert NEW_TITLE not in titles, f"live before its time ({go_live_at}); raise AHEAD if the machine is slow"
        assert EXPIRING in titles
        editor.shot("resident-before", page=resident, full_page=True)

        # 4. Nobody does anything; the resident keeps looking until the new notice is listed and the
        #    other one is gone from the list and from its address.
        expiring_url = "/notices/saturday-extended-service/"
        deadline = time.monotonic() + WAIT
        while True:
            titles = notice_titles(resident)
            gone = resident.request.get(expiring_url).status == 404
            if NEW_TITLE in titles and EXPIRING not in titles and gone:
                break
            assert time.monotonic() < deadline, (
                f"after {WAIT} s (go-live {go_live_at}, 下架 {expire_at}, now {shanghai_in(dt.timedelta())}) "
                f"the list shows {titles}, the expiring notice {'is gone' if gone else 'still opens'}\n"
                f"scheduler log:\n{portal.background_tail('scheduler')}"
            )
            time.sleep(2)
        assert shanghai_in(dt.timedelta()) >= go_live_at  # not before its time
        editor.shot("resident-after", page=resident, full_page=True)

        resident.get_by_role("link", name=NEW_TITLE).click()
        expect(resident.locator("h1")).to_have_text(NEW_TITLE)
        editor.shot("resident-new-notice", page=resident)
    finally:
        phone.close()

    # It was the scheduler: one line for each.
    log = portal.background_tail("scheduler", chars=20_000)
    assert f"published “{NEW_TITLE}” (page {new_id})" in log, f"scheduler log:\n{log}\nserver log:\n{portal.log_tail()}"
    assert f"unpublished “{EXPIRING}” (page {expiring_id})" in log, f"scheduler log:\n{log}"

    # The editor sees it in the section's listing: the new one 在用 (live), the other 已过期.
    page.goto(f"/admin/pages/{index_id}/")
    expect(page.locator("tr", has_text=EXPIRING)).to_contain_text("已过期")
    expect(page.locator("tr", has_text=NEW_TITLE)).to_contain_text("在用")
    editor.shot("listing-in-admin")

    assert editor.problems == []


ENQUEUE = """
from notices.models import NoticePage
from sheets.tasks import refresh_sheets
result = refresh_sheets.enqueue([NoticePage.objects.first().pk])
print("TASK", result.id, result.status, type(result.task.get_backend()).__name__)
"""


def test_the_worker_runs_a_sheet_task_queued_in_the_database(portal):
    """A task enqueued by another process waits in the database until the portal's db_worker has run it."""
    output = manage("shell", "-c", ENQUEUE, env=portal.env, timeout=120).stdout
    _, task_id, status, backend = re.search(r"^TASK (\S+) (\S+) (\S+)$", output, re.MULTILINE).group(0).split()
    assert (status, backend) == ("READY", "DatabaseBackend")  # queued, not run by the enqueuing process

    deadline = time.monotonic() + 60
    while True:
        connection = sqlite3.connect(portal.database, timeout=20)
        try:  # SQLite keeps a UUID as 32 hex digits
            row = connection.execute(
                "SELECT status, return_value, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
                [task_id.replace("-", "")],
            ).fetchone()
        finally:
            connection.close()
        if row and row[0] in ("SUCCESSFUL", "FAILED"):
            break
        assert time.monotonic() < deadline, f"task {task_id} is {row}\nworker log:\n{portal.background_tail('worker')}"
        time.sleep(0.5)
    status, return_value, worker_ids = row
    assert status == "SUCCESSFUL", portal.background_tail("worker")
    assert json.loads(return_value) == {"done": [], "failed": []}  # a notice is on no sheet
    assert json.loads(worker_ids)  # claimed by a worker
    assert f"Task id={task_id} path=sheets.tasks.refresh_sheets state=SUCCESSFUL" in portal.background_tail("worker")
