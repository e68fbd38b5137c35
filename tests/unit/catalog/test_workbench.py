"""The guide workbench, the dashboard panel and the review-dates report, on the small town.

The ``desk`` fixture gives the town one guide in each state the screens tell apart:

* UT-MZ-001: published, then a draft with a new keyword (有未发布修改); no quality
  problems; last edited by 王小明; review due in 200 days.
* UT-MZ-002: in review; six quality problems; review due in 10 days.
* UT-CJ-001: published; six quality problems; review 10 days overdue; its sheet
  rendered on two pages.
* UT-MZ-009: a new draft, never published, of a second unit and category.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowTask

from catalog.workbench_admin import GuideState, guide_problem_counts, workbench_url
from services.models import FAQ, ResponsibleUnit, ServiceCategory, ServiceItemPage
from services.quality import check_item, must_not_issue_names
from sheets.models import RenderedSheet, SheetEdition
from tests.unit.towns import TOWN_ITEM, VILLAGE_ITEM, WINDOW_ITEM

DRAFT_ITEM = "UT-MZ-009"
ROW_CODE = re.compile(r"<td[^>]*>\s*(UT-[A-Z]{2}-\d{3})\s*</td>")
WORKBENCH = "/admin/guides/workbench/"
REPORT = "/admin/reports/review-due/"


@dataclass
class Desk:
    town: object
    editor: object
    other_unit: ResponsibleUnit
    other_category: ServiceCategory

    def get(self, client, url, **params):
        return client.get(url, params, HTTP_HOST=self.town.hostname)


def _item(town, code) -> ServiceItemPage:
    return ServiceItemPage.objects.get(pk=town[code].pk)


def _start_review(page, user) -> None:
    workflow = Workflow.objects.create(name="单元测试审核流程")
    task = GroupApprovalTask.objects.create(name="单元测试审核")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(page, user)


def _render_sheet(town, page, pages: int) -> None:
    edition = SheetEdition.objects.create(page=page, code=page.code, number=1, content_hash="x" * 64, snapshot={})
    RenderedSheet.objects.create(
        site=town.site, key=page.code, source_hash="y" * 64, edition=edition, pdf=b"%PDF", pages=pages
    )


@pytest.fixture
def desk(small_town, django_user_model) -> Desk:
    today = timezone.localdate()
    editor = django_user_model.objects.create_user("wangxm", password="pw-editor-1", last_name="王", first_name="小明")

    town_item = _item(small_town, TOWN_ITEM)
    town_item.faqs = [FAQ(question="低保多久发一次？", answer="每月发放一次。")]
    town_item.next_review_due = today + dt.timedelta(days=200)
    town_item.save_revision(user=editor).publish()
    town_item = _item(small_town, TOWN_ITEM)
    town_item.keywords += "、最低生活保障"
    town_item.save_revision(user=editor)  # a draft on top of the published guide

    window_item = _item(small_town, WINDOW_ITEM)
    window_item.next_review_due = today + dt.timedelta(days=10)
    window_item.save_revision().publish()
    _start_review(_item(small_town, WINDOW_ITEM), editor)

    village_item = _item(small_town, VILLAGE_ITEM)
    village_item.next_review_due = today - dt.timedelta(days=10)
    village_item.save_revision().publish()
    _render_sheet(small_town, village_item, pages=2)

    other_unit = ResponsibleUnit.objects.create(name="单元测试残联", short_name="残联")
    other_category = ServiceCategory.objects.create(name="单元测试残疾人服务", slug="unit-disability")
    draft = ServiceItemPage(
        title="残疾人证新办",
        slug="disability-card",
        code=DRAFT_ITEM,
        category=other_category,
        responsible_unit=other_unit,
        item_type=town_item.item_type,
        live=False,
    )
    small_town.sections["services"].add_child(instance=draft)
    draft.save_revision(user=editor)
    return Desk(small_town, editor, other_unit, other_category)


def codes(response) -> list[str]:
    assert response.status_code == 200
    return codes_in(response.content.decode())


def codes_in(page: str) -> list[str]:
    return ROW_CODE.findall(page)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, so Excel reads the Chinese as UTF-8"
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


# -- the workbench ---------------------------------------------------------------------------


def test_the_workbench_lists_every_guide_of_the_town_with_its_state(admin_client, desk):
    response = desk.get(admin_client, WORKBENCH)
    assert codes(response) == [VILLAGE_ITEM, TOWN_ITEM, WINDOW_ITEM, DRAFT_ITEM], "by code"
    page = response.content.decode()
    for heading in (
        "编码",
        "事项名称",
        "服务分类",
        "责任单位",
        "状态",
        "质量问题",
        "复核日期",
        "明白纸页数",
        "最后编辑人",
    ):
        assert heading in page
    for guide in ServiceItemPage.objects.filter(path__startswith=desk.town.path):
        assert f'href="{reverse("wagtailadmin_pages:edit", args=[guide.pk])}"' in page, (
            f"{guide.code} links to its edit form"
        )
    assert "王小明" in page
    for label in ("草稿", "审核中", "有未发布修改", "已发布"):
        assert label in page


def test_the_columns_hold_each_guides_values(admin_client, desk):
    rows = {row["编码"]: row for row in csv_rows(desk.get(admin_client, WORKBENCH, export="csv"))}
    assert set(rows) == {TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM, DRAFT_ITEM}
    assert rows[TOWN_ITEM]["状态"] == "有未发布修改"
    assert rows[WINDOW_ITEM]["状态"] == "审核中"
    assert rows[VILLAGE_ITEM]["状态"] == "已发布"
    assert rows[DRAFT_ITEM]["状态"] == "草稿"
    assert rows[TOWN_ITEM]["质量问题"] == "0"
    assert rows[WINDOW_ITEM]["质量问题"] == "6"
    assert rows[VILLAGE_ITEM]["明白纸页数"] == "2"
    assert rows[TOWN_ITEM]["明白纸页数"] == ""
    assert rows[VILLAGE_ITEM]["复核提示"] == "已过期10天"
    assert rows[WINDOW_ITEM]["复核提示"] == "10天后到期"
    assert rows[TOWN_ITEM]["复核提示"] == ""
    assert rows[TOWN_ITEM]["最后编辑人"] == "王小明"
    assert rows[DRAFT_ITEM]["责任单位"] == "单元测试残联"
    assert rows[DRAFT_ITEM]["服务分类"] == "单元测试残疾人服务"


def test_an_overdue_review_date_shows_in_red_and_a_missing_sheet_as_a_dash(admin_client, desk):
    page = desk.get(admin_client, WORKBENCH, review="overdue").content.decode()
    overdue = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert re.search(rf'class="w-text-critical-200[^"]*">{overdue}</span>', page)
    page = desk.get(admin_client, WORKBENCH, q=TOWN_ITEM).content.decode()
    assert codes_in(page) == [TOWN_ITEM]
    assert re.search(r"<td[^>]*>\s*—\s*</td>", page), "no sheet rendered yet"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": GuideState.DRAFT}, [DRAFT_ITEM]),
        ({"status": GuideState.IN_REVIEW}, [WINDOW_ITEM]),
        ({"status": GuideState.CHANGED}, [TOWN_ITEM]),
        ({"status": GuideState.LIVE}, [VILLAGE_ITEM]),
        ({"status": [GuideState.DRAFT, GuideState.CHANGED]}, [DRAFT_ITEM, TOWN_ITEM]),
        ({"problems": "yes"}, [DRAFT_ITEM, WINDOW_ITEM, VILLAGE_ITEM]),
        ({"problems": "no"}, [TOWN_ITEM]),
        ({"review": "overdue"}, [VILLAGE_ITEM]),
        ({"review": "soon"}, [WINDOW_ITEM]),
        ({"review": "due"}, [WINDOW_ITEM, VILLAGE_ITEM]),
        ({"review": "unset"}, [DRAFT_ITEM]),
        ({"sheet": "multi"}, [VILLAGE_ITEM]),
        ({"sheet": "none"}, [DRAFT_ITEM, TOWN_ITEM, WINDOW_ITEM]),
    ],
)
def test_each_filter_shows_the_right_guides(admin_client, desk, params, expected):
    assert sorted(codes(desk.get(admin_client, WORKBENCH, **params))) == sorted(expected)


def test_the_category_and_unit_filters(admin_client, desk):
    assert codes(desk.get(admin_client, WORKBENCH, category=desk.other_category.pk)) == [DRAFT_ITEM]
    unit = codes(desk.get(admin_client, WORKBENCH, responsible_unit=desk.town.unit.pk))
    assert sorted(unit) == sorted([TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM])


@pytest.mark.parametrize(
    ("ordering", "first", "last"),
    [
        ("code", VILLAGE_ITEM, DRAFT_ITEM),
        ("-problem_count", None, TOWN_ITEM),
        ("state_rank", DRAFT_ITEM, VILLAGE_ITEM),
        ("next_review_due", VILLAGE_ITEM, DRAFT_ITEM),
        ("-sheet_pages", VILLAGE_ITEM, None),
        ("editor_name", None, None),
        ("title", None, None),
        ("category__name", None, None),
        ("responsible_unit__name", None, None),
    ],
)
def test_every_column_sorts(admin_client, desk, ordering, first, last):
    listed = codes(desk.get(admin_client, WORKBENCH, ordering=ordering))
    assert sorted(listed) == sorted([TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM, DRAFT_ITEM])
    if first:
        assert listed[0] == first
    if last:
        assert listed[-1] == last


def test_export_returns_the_filtered_list_as_csv_and_xlsx(admin_client, desk):
    rows = csv_rows(desk.get(admin_client, WORKBENCH, export="csv", problems="yes"))
    assert sorted(row["编码"] for row in rows) == sorted([DRAFT_ITEM, WINDOW_ITEM, VILLAGE_ITEM])

    response = desk.get(admin_client, WORKBENCH, export="xlsx", review="due")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:2] == ["编码", "事项名称"]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert set(by_code) == {WINDOW_ITEM, VILLAGE_ITEM}
    assert by_code[VILLAGE_ITEM]["复核日期"] == timezone.localdate() - dt.timedelta(days=10)
    assert by_code[VILLAGE_ITEM]["明白纸页数"] == 2


def test_the_filtered_guides_export_whole_in_the_import_format(admin_client, desk):
    page = desk.get(admin_client, WORKBENCH, problems="no").content.decode()
    assert "export=guides" in page, "the download button"
    response = desk.get(admin_client, WORKBENCH, problems="no", export="guides")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert TOWN_ITEM in cells
    assert not {WINDOW_ITEM, VILLAGE_ITEM, DRAFT_ITEM} & cells


def test_problem_counts_follow_the_draft_the_edit_form_shows(admin_client, desk):
    page = _item(desk.town, TOWN_ITEM)
    assert guide_problem_counts(desk.town.site)[page.pk] == 0
    draft = page.get_latest_revision_as_object()
    draft.summary = "长" * 65
    draft.save_revision()
    counts = guide_problem_counts(desk.town.site)
    assert counts[page.pk] == 1
    revision = ServiceItemPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    names = must_not_issue_names(desk.town.home)
    assert counts[page.pk] == len(check_item(revision, names, desk.town.settings))
    assert codes(desk.get(admin_client, WORKBENCH, problems="no")) == []


def test_the_listing_costs_the_same_queries_for_one_guide_or_all(admin_client, desk):
    desk.get(admin_client, WORKBENCH)  # counts cached
    with CaptureQueriesContext(connection) as all_rows:
        assert len(codes(desk.get(admin_client, WORKBENCH))) == 4
    with CaptureQueriesContext(connection) as one_row:
        assert len(codes(desk.get(admin_client, WORKBENCH, status=GuideState.DRAFT))) == 1
    assert len(all_rows) == len(one_row)


# -- the dashboard ---------------------------------------------------------------------------


def _unit_editor(django_user_model, unit) -> object:
    if unit.editors_group is None:
        group = Group.objects.create(name=f"{unit.name}编辑")
        ResponsibleUnit.objects.filter(pk=unit.pk).update(editors_group=group)
        unit.refresh_from_db()
    group = unit.editors_group
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = django_user_model.objects.create_user("unit-editor", password="pw-unit-1")
    user.groups.add(group)
    return user


def _panel_counts(page: str, unit) -> list[int]:
    """The four counts of ``unit``'s row, each checked to link to the workbench filtered to it."""
    links = [
        workbench_url(responsible_unit=unit.pk, status=[GuideState.DRAFT.value, GuideState.CHANGED.value]),
        workbench_url(responsible_unit=unit.pk, status=GuideState.IN_REVIEW.value),
        workbench_url(responsible_unit=unit.pk, problems="yes"),
        workbench_url(responsible_unit=unit.pk, review="due"),
    ]
    counts = []
    for link in links:
        found = re.search(rf'<a href="{re.escape(html.escape(link))}">(\d+)</a>', page)
        counts.append(int(found.group(1)) if found else 0)
    return counts


def test_a_unit_editor_sees_their_own_units_counts_on_the_dashboard(client, desk, django_user_model):
    user = _unit_editor(django_user_model, desk.town.unit)
    client.force_login(user)
    page = desk.get(client, reverse("wagtailadmin_home")).content.decode()
    assert "办事指南：各单位待办" in page
    assert desk.town.unit.name in page
    assert desk.other_unit.name not in page, "only the editor's own unit"
    # 草稿 UT-MZ-001 (有未发布修改); 审核中 UT-MZ-002; problems UT-MZ-002 and UT-CJ-001; due UT-MZ-002, UT-CJ-001
    assert _panel_counts(page, desk.town.unit) == [1, 1, 2, 2]


def test_the_dashboard_links_open_the_workbench_filtered_to_the_unit_and_state(admin_client, desk):
    url = workbench_url(responsible_unit=desk.town.unit.pk, review="due")
    assert sorted(codes(admin_client.get(url, HTTP_HOST=desk.town.hostname))) == sorted([WINDOW_ITEM, VILLAGE_ITEM])


def test_superusers_see_every_unit_and_the_totals(admin_client, desk):
    page = desk.get(admin_client, reverse("wagtailadmin_home")).content.decode()
    assert _panel_counts(page, desk.town.unit) == [1, 1, 2, 2]
    assert _panel_counts(page, desk.other_unit) == [1, 0, 1, 0]
    assert "全部单位合计" in page


def test_users_outside_any_unit_get_no_panel(client, desk, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="pw-outside-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    page = desk.get(client, reverse("wagtailadmin_home")).content.decode()
    assert "办事指南：各单位待办" not in page


def test_a_unit_editor_with_page_rights_may_open_the_workbench(client, desk, django_user_model):
    user = _unit_editor(django_user_model, desk.town.unit)
    services = desk.town.sections["services"]
    GroupPagePermission.objects.get_or_create(
        group=desk.town.unit.editors_group, page=services, permission=Permission.objects.get(codename="change_page")
    )
    client.force_login(user)
    assert len(codes(desk.get(client, WORKBENCH, responsible_unit=desk.town.unit.pk))) == 3
    assert len(codes(desk.get(client, WORKBENCH))) == 4, "every unit's guides are listed"
    response = desk.get(client, WORKBENCH, export="guides")
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM} <= cells
    assert DRAFT_ITEM not in cells, "only their own unit's guides export whole"


# -- the review-dates report ---------------------------------------------------------------------


def test_the_review_report_lists_due_and_overdue_guides_per_unit(admin_client, desk):
    response = desk.get(admin_client, REPORT)
    assert codes(response) == [VILLAGE_ITEM, WINDOW_ITEM], "one unit, the most overdue first"
    page = response.content.decode()
    assert "复核到期的指南" in page
    assert desk.town.unit.name in page

    assert codes(desk.get(admin_client, REPORT, overdue="yes")) == [VILLAGE_ITEM]
    assert codes(desk.get(admin_client, REPORT, responsible_unit=desk.other_unit.pk)) == []

    rows = csv_rows(desk.get(admin_client, REPORT, export="csv"))
    assert [(row["责任单位"], row["编码"], row["复核提示"]) for row in rows] == [
        (desk.town.unit.name, VILLAGE_ITEM, "已过期10天"),
        (desk.town.unit.name, WINDOW_ITEM, "10天后到期"),
    ]


def test_the_review_report_groups_units_by_name(admin_client, desk):
    draft = ServiceItemPage.objects.get(code=DRAFT_ITEM, path__startswith=desk.town.path)
    ServiceItemPage.objects.filter(pk=draft.pk).update(next_review_due=timezone.localdate() - dt.timedelta(days=30))
    rows = csv_rows(desk.get(admin_client, REPORT, export="csv"))
    units = [row["责任单位"] for row in rows]
    assert units == sorted(units)
    assert (desk.other_unit.name, DRAFT_ITEM) in [(row["责任单位"], row["编码"]) for row in rows]


def test_the_report_and_workbench_are_in_the_menus(admin_client, desk):
    page = desk.get(admin_client, reverse("wagtailadmin_home")).content.decode()
    for label, url in (("办事指南工作台", WORKBENCH), ("复核到期的指南", REPORT)):
        assert json.dumps(label)[1:-1] in page, f"{label} in the sidebar's menu data"
        assert url in page
