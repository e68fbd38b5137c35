"""One language: every admin screen an editor meets speaks Chinese (issue 10, item 8).

A superuser walks the admin: sign-in, dashboard, the help menu and its
shortcuts dialog, every screen the sidebar links to (reports, settings, users,
groups, workflows, snippets…), the page explorer down to a listing long
enough to page through, a guide's edit form (every tab, the side panels, the
status panel with its scheduling and privacy dialogs, the actions menu,
a saved draft), its history and a revision comparison, the
workflow (submit, the request-changes dialog, cancel), and the add and edit
forms of snippets, users, groups and workflows. At every step
``english_on_screen`` must find nothing (all findings are reported together),
and the admin must fetch nothing from other hosts (gravatar.com and Wagtail's
release server are blocked or slow in China; avatars would leak e-mail hashes).
"""

from __future__ import annotations

import re
import sqlite3
import time
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.language import english_on_screen
from tests.catalog_db import BASE_DIR

pytestmark = pytest.mark.browser


def test_translations_are_compiled():
    """Every .po of locale/ has its .mo, compiled after the last edit (scripts/bootstrap.sh compiles them)."""
    stale = [
        str(po.relative_to(BASE_DIR))
        for po in (BASE_DIR / "locale").rglob("*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    compile_them = ".venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var"
    assert stale == [], f"not compiled: {stale}; run {compile_them}"


def _taxonomy_slugs() -> set[str]:
    """The categories' and life events' slugs: the 网址标识 column of their listings shows them."""
    taxonomies = yaml.safe_load((BASE_DIR / "content" / "taxonomies.yaml").read_text(encoding="utf-8"))
    return {entry["slug"] for key in ("categories", "life_events") for entry in taxonomies.get(key, [])}


class Walk:
    """One tab walking the admin; ``check`` records the English at each step."""

    def __init__(self, tab, portal):
        self.tab = tab
        self.page = tab.page
        self.slugs = _taxonomy_slugs()
        self.english: dict[str, list[str]] = {}
        # Requests to other hosts: gravatar.com, Wagtail's release server… are blocked or slow in China.
        self.elsewhere: set[str] = set()
        local = urlsplit(portal.url).netloc
        self.page.on(
            "request",
            lambda request: (
                self.elsewhere.add(urlsplit(request.url).netloc)
                if urlsplit(request.url).scheme in ("http", "https") and urlsplit(request.url).netloc != local
                else None
            ),
        )

    def check(self, step: str, *, shot: bool = False) -> None:
        self.page.wait_for_load_state("networkidle")
        found = english_on_screen(self.page, allow=self.slugs)
        if found:
            self.english[step] = found
        if shot or found:
            self.tab.shot(step)

    def visit(self, path: str, step: str | None = None) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        self.check(step or path)

    def open_menu(self, name: str) -> None:
        # The name may go on with a count of new items: 帮助（此菜单有 2 个新项目）
        self.page.locator(".sidebar-menu-item").get_by_role("button", name=re.compile(f"^{name}")).click()

    def footer_action(self, name: str | re.Pattern) -> None:
        button = self.page.get_by_role("button", name=name).first
        if not button.is_visible():
            self.page.get_by_role("button", name="更多动作").click()
        button.click()

    def close_dialog(self) -> None:
        self.page.keyboard.press("Escape")
        expect(self.page.locator("[role=dialog]:visible, .w-dialog:visible")).to_have_count(0)


def _log_in(walk: Walk, portal) -> None:
    page = walk.page
    page.goto("/admin/login/")
    walk.check("login", shot=True)
    page.get_by_label("用户名").fill(portal.username)
    page.get_by_label("密码").fill(portal.password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    walk.check("dashboard", shot=True)


def _ids(portal) -> dict[str, int | str]:
    """The pages the walk needs, read from the portal's database."""
    with sqlite3.connect(portal.database) as db:
        (home,) = db.execute("SELECT page_ptr_id FROM home_homepage ORDER BY page_ptr_id LIMIT 1").fetchone()
        (services,) = db.execute("SELECT page_ptr_id FROM services_serviceindexpage LIMIT 1").fetchone()
        # The editor and department journeys change QH-MZ-001; this walk submits and cancels another guide.
        guide, code = db.execute(
            "SELECT page_ptr_id, code FROM services_serviceitempage ORDER BY code DESC LIMIT 1"
        ).fetchone()
        (children,) = db.execute(
            "SELECT count(*) FROM wagtailcore_page WHERE path LIKE ("
            " SELECT path FROM wagtailcore_page WHERE id = ?) || '____'",
            (services,),
        ).fetchone()
    assert children > 50, "the services listing no longer needs a second page"
    return {"home": home, "services": services, "guide": guide, "code": code}


def test_sign_in_dashboard_help_and_every_sidebar_screen(journey, portal):
    walk = Walk(journey(viewport=(1280, 900)), portal)
    page = walk.page
    _log_in(walk, portal)

    walk.open_menu("帮助")
    walk.check("help-menu", shot=True)
    page.get_by_role("button", name="快捷键").click()
    expect(page.locator("#keyboard-shortcuts-dialog")).to_be_visible()
    walk.check("keyboard-shortcuts", shot=True)
    walk.close_dialog()

    page.locator(".sidebar-footer__account").click()
    walk.check("account-menu")
    page.keyboard.press("Escape")

    links = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('a.sidebar-menu-item__link')]"
        ".map(a => a.getAttribute('href')).filter(href => href && href.startsWith('/admin/')))]"
    )
    assert len(links) > 15, links  # pages, images, documents, snippets, reports, settings, users, groups, workflows…
    for link in links:
        walk.visit(link)

    assert walk.english == {}
    assert walk.elsewhere == set()
    assert walk.tab.problems == []


def test_explorer_and_a_guide_through_editing_and_workflow(journey, portal):
    ids = _ids(portal)
    walk = Walk(journey(viewport=(1280, 900)), portal)
    page = walk.page
    _log_in(walk, portal)

    # The explorer, down to a listing with more than one page of children.
    walk.visit("/admin/pages/", "explorer-root")
    walk.visit(f"/admin/pages/{ids['home']}/", "explorer-home")
    walk.visit(f"/admin/pages/{ids['services']}/", "explorer-services")
    page.locator("table tbody input[type=checkbox]").first.check()
    walk.check("explorer-bulk-actions", shot=True)
    page.get_by_role("link", name="下一个").click()
    page.wait_for_url(re.compile(r"[?&]p=2\b"))
    walk.check("explorer-services-page-2", shot=True)
    walk.visit(f"/admin/pages/search/?q={ids['code']}", "page-search")

    # The edit form: every tab, then every side panel.
    edit = f"/admin/pages/{ids['guide']}/edit/"
    walk.visit(edit, "edit")
    tabs = page.get_by_role("tab")
    for n in range(tabs.count()):
        tabs.nth(n).click()
        walk.check(f"edit-tab-{n + 1}")
    tabs.first.click()
    for panel in ("status", "preview", "checks", "comments"):
        toggle = page.locator(f"button[data-side-panel-toggle='{panel}']")
        toggle.click()
        expect(page.locator(f"[data-side-panel='{panel}']")).to_be_visible()
        if panel == "preview":
            expect(page.frame_locator("iframe[src*='/edit/preview/']").locator("h1")).to_be_visible()
        walk.check(f"side-panel-{panel}", shot=True)
        toggle.click()

    # The status panel's dialogs: the publishing schedule (with its date picker) and privacy.
    page.locator("button[data-side-panel-toggle='status']").click()
    status = page.locator("[data-side-panel='status']")
    status.get_by_role("button", name="设置计划").click()
    page.locator("input[name='go_live_at']").click()
    walk.check("schedule-dialog", shot=True)
    page.keyboard.press("Escape")
    walk.close_dialog()
    status.get_by_role("button", name="变更隐私设置").click()
    expect(page.get_by_role("dialog").get_by_text("公开").first).to_be_visible()
    walk.check("privacy-dialog", shot=True)
    walk.close_dialog()
    page.locator("button[data-side-panel-toggle='status']").click()

    page.get_by_role("button", name="更多动作").click()
    walk.check("actions-menu", shot=True)
    page.keyboard.press("Escape")

    # An edit, then a draft saved by hand (autosave is off: portal/settings/base.py).
    summary = page.get_by_role("textbox", name=re.compile(r"^一句话简介"))
    summary.fill(f"界面语言检查改写的简介，编号{time.strftime('%m%d%H%M%S')}。")
    walk.check("edited", shot=True)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已被更新")
    walk.check("draft-saved", shot=True)

    # History and a comparison of two revisions.
    walk.visit(f"/admin/pages/{ids['guide']}/history/", "history")
    page.locator("table tbody .w-dropdown__toggle").first.click()
    walk.check("history-row-menu")
    walk.visit(f"/admin/pages/{ids['guide']}/revisions/compare/live...latest/", "revisions-compare")
    expect(page.get_by_text("一句话简介")).to_be_visible()
    walk.tab.shot("revisions-compare")

    # The workflow: submit, look at it as the reviewer would, open 退回修改, then cancel it.
    walk.visit(edit, "edit-again")
    walk.footer_action(re.compile("^提交"))
    expect(page.locator(".messages")).to_contain_text("提交")
    walk.check("submitted", shot=True)
    walk.visit(edit, "edit-in-workflow")
    page.locator("button[data-side-panel-toggle='status']").click()
    walk.check("status-in-workflow", shot=True)
    page.locator("button[data-side-panel-toggle='status']").click()
    walk.footer_action("退回修改")
    expect(page.get_by_role("dialog").get_by_role("button", name="退回修改")).to_be_visible()
    walk.check("request-changes-dialog", shot=True)
    walk.visit("/admin/", "dashboard-with-workflow")
    walk.visit("/admin/reports/workflow/", "workflow-report")
    walk.visit("/admin/reports/workflow_tasks/", "workflow-tasks-report")
    walk.visit(edit, "edit-before-cancel")
    walk.footer_action("取消工作流")
    expect(page.locator(".messages")).to_contain_text("取消")
    walk.check("workflow-cancelled")

    assert walk.english == {}
    assert walk.elsewhere == set()
    assert walk.tab.problems == []


FORMS = (
    "/admin/snippets/",
    "/admin/snippets/services/servicecategory/add/",
    "/admin/snippets/services/lifeevent/add/",
    "/admin/snippets/services/responsibleunit/add/",
    "/admin/snippets/places/specialday/add/",
    "/admin/snippets/search/synonym/add/",
    "/admin/snippets/search/bestbet/add/",
    "/admin/users/new/",
    "/admin/users/edit/{user}/",
    "/admin/groups/new/",
    "/admin/groups/edit/{group}/",
    "/admin/workflows/add/",
    "/admin/workflows/edit/{workflow}/",
    "/admin/workflows/tasks/select_type/",
    "/admin/workflows/tasks/edit/{task}/",
    "/admin/images/add/",
    "/admin/documents/multiple/add/",
    "/admin/collections/add/",
    "/admin/redirects/add/",
    "/admin/pages/{guide}/move/",
    "/admin/pages/{guide}/copy/",
    "/admin/pages/{guide}/delete/",
    "/admin/pages/{guide}/unpublish/",
    "/admin/pages/{services}/add_subpage/",
)


def test_add_and_edit_forms(journey, portal):
    ids = _ids(portal)
    with sqlite3.connect(portal.database) as db:
        (ids["user"],) = db.execute("SELECT id FROM auth_user WHERE username = ?", (portal.username,)).fetchone()
        (ids["group"],) = db.execute("SELECT min(id) FROM auth_group").fetchone()
        (ids["workflow"],) = db.execute("SELECT min(id) FROM wagtailcore_workflow").fetchone()
        (ids["task"],) = db.execute("SELECT min(id) FROM wagtailcore_task").fetchone()
    walk = Walk(journey(viewport=(1280, 900)), portal)
    _log_in(walk, portal)
    for form in FORMS:
        walk.visit(form.format(**ids))

    assert walk.english == {}
    assert walk.elsewhere == set()
    assert walk.tab.problems == []
