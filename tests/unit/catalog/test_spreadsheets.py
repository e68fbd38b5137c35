"""Spreadsheet export and import on the small town: round trip, field-by-field dry run, problems, conflicts, rights."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from catalog.fieldvalues import Documents, Values, as_snapshot, flat
from catalog.merge import CONFLICT, KEEP, TAKE, UPDATE
from catalog.problems import ProblemList
from catalog.spreadsheet_admin import can_import, exportable_items
from catalog.spreadsheet_export import ITEM_KEYS, export_items
from catalog.spreadsheet_import import SheetPlan, import_spreadsheet
from catalog.workbook import BASELINE_SHEET, CATALOG_COLUMNS, read_upload
from services.models import ServiceItemPage
from services.models.review import TOWN_REVIEWERS_GROUP
from tests.unit.towns import TOWN_ITEM, VILLAGE_ITEM, WINDOW_ITEM

pytestmark = pytest.mark.django_db


def items_of(town):
    return ServiceItemPage.objects.descendant_of(town.home).order_by("path")


def export(town, format: str = "xlsx") -> bytes:
    return export_items(items_of(town), format).content


def book_of(town) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export(town)))


def data_of(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(book, sheet: str, code: str, key: str, nth: int = 0):
    """The cell of column ``key`` in the ``nth`` row of ``code`` on ``sheet``."""
    rows = book[sheet]
    keys = [str(c.value).split()[-1] for c in rows[1]]
    matching = [row for row in rows.iter_rows(min_row=2) if row[0].value == code]
    return matching[nth][keys.index(key)]


def run(town, book, **options):
    return import_spreadsheet(town.site, "guides.xlsx", data_of(book), **options)


def changes(result) -> dict[tuple[str, str], str]:
    return {(page.code, change.label): change.outcome for page in result.pages for change in page.changes}


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


# -- round trip ----------------------------------------------------------------------


@pytest.mark.parametrize("format, name", [("xlsx", "guides.xlsx"), ("csv", "guides.zip")])
def test_an_exported_town_comes_back_unchanged(small_town, format, name):
    result = import_spreadsheet(small_town.site, name, export(small_town, format))
    assert problems(result) == []
    assert result.rows == 3
    assert result.pages == [] and result.changed == []


def test_the_columns_and_sheets_cover_every_value_an_item_imports(small_town):
    upload = read_upload("guides.xlsx", export(small_town), ProblemList())
    plan = SheetPlan(small_town.site, upload, ProblemList())
    plan.check()
    states = plan.states()
    assert {state.code for state in states} == {TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM}
    assert set(flat(states[0])) == set(ITEM_KEYS)
    assert plan.keys()[TOWN_ITEM] == set(ITEM_KEYS)


def test_the_export_holds_the_guide_parts_keyed_by_code(small_town):
    book = book_of(small_town)
    assert cell(book, "事项", TOWN_ITEM, "name").value == "最低生活保障申请"
    assert cell(book, "事项", TOWN_ITEM, "statutory_limit").value == "30个工作日"
    assert cell(book, "事项", VILLAGE_ITEM, "town_item").value == TOWN_ITEM
    assert cell(book, "条件", TOWN_ITEM, "text", nth=1).value == "家庭财产符合规定"
    assert cell(book, "材料", TOWN_ITEM, "required", nth=1).value == "否"
    assert cell(book, "办理地点", VILLAGE_ITEM, "note").value == "东村村民就近代办"
    assert cell(book, "办理地点", VILLAGE_ITEM, "place_name").value == "东村便民服务站"


# -- dry run and apply --------------------------------------------------------------------


def test_the_dry_run_shows_each_change_field_by_field_and_writes_nothing(small_town):
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格里改写的简介。"
    cell(book, "步骤", TOWN_ITEM, "title", nth=1).value = "审批"
    page = small_town[TOWN_ITEM]
    revisions = page.revisions.count()

    result = run(small_town, book, dry_run=True)

    assert problems(result) == []
    assert changes(result) == {(TOWN_ITEM, "一句话简介"): UPDATE, (TOWN_ITEM, "办理环节"): UPDATE}
    (merge,) = result.changed
    summary = next(c for c in merge.changes if c.key == "summary")
    assert summary.current_text() == page.summary and summary.incoming_text() == "表格里改写的简介。"
    steps = next(c for c in merge.changes if c.key == "steps")
    assert steps.incoming_text() == "2 项：第2项 审批 入户调查、民主评议、公示"
    page.refresh_from_db()
    assert page.summary != "表格里改写的简介。" and page.revisions.count() == revisions


def test_applying_publishes_one_new_revision_per_changed_item(small_town):
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格里改写的简介。"
    cell(book, "步骤", TOWN_ITEM, "title", nth=1).value = "审批"
    town_item, window_item = small_town[TOWN_ITEM], small_town[WINDOW_ITEM]
    before = town_item.revisions.count(), window_item.revisions.count()

    result = run(small_town, book, dry_run=False)

    assert result.ok and [p.code for p in result.changed] == [TOWN_ITEM]
    town_item.refresh_from_db()
    assert town_item.summary == "表格里改写的简介。"
    assert [s.title for s in town_item.steps.all()] == ["申请", "审批"]
    assert town_item.revisions.count() == before[0] + 1
    assert town_item.live_revision == town_item.get_latest_revision()
    assert window_item.revisions.count() == before[1]
    # And importing the same sheet again changes nothing.
    assert run(small_town, book, dry_run=False).changed == []


def test_a_spreadsheet_change_leaves_the_import_snapshot_so_the_next_catalog_load_sees_an_admin_edit(small_town):
    page = small_town[TOWN_ITEM]
    ServiceItemPage.objects.filter(pk=page.pk).update(
        import_snapshot={"fields": {"summary": "x"}}, import_fingerprint="f"
    )
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格里改写的简介。"
    run(small_town, book, dry_run=False)
    page.refresh_from_db()
    assert (page.import_snapshot, page.import_fingerprint) == ({"fields": {"summary": "x"}}, "f")


def test_only_the_columns_and_sheets_uploaded_are_compared(small_town):
    header = ",".join(c.heading for c in CATALOG_COLUMNS)
    book = book_of(small_town)
    sheet = book["事项"]
    rows = [[c.value for c in row][: len(CATALOG_COLUMNS)] for row in sheet.iter_rows(min_row=2)]
    rows[0][1] = "最低生活保障（低保）申请"
    text = header + "\r\n" + "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    result = import_spreadsheet(small_town.site, "service-items.csv", text.encode("utf-8"))
    assert problems(result) == []
    assert changes(result) == {(TOWN_ITEM, "名称"): UPDATE}


def test_a_blank_phone_stays_blank(small_town):
    page = small_town[TOWN_ITEM]
    assert page.consultation_phone == ""  # the page shows its main place's phone
    assert cell(book_of(small_town), "事项", TOWN_ITEM, "consultation_phone").value in (None, "")
    assert changes(run(small_town, book_of(small_town))) == {}


# -- problems -----------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_sheet_row_and_reason_and_nothing_is_written(small_town):
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "summary").value = "这一行是好的修改。"
    cell(book, "事项", WINDOW_ITEM, "category").value = "不存在的分类"
    cell(book, "事项", VILLAGE_ITEM, "fee_standard").value = "每份10元"
    book["事项"].append(
        ["UT-ZZ-999", "没有的事项", *[cell(book, "事项", TOWN_ITEM, c.key).value for c in CATALOG_COLUMNS[2:]]]
    )
    cell(book, "材料", TOWN_ITEM, "copies").value = 30
    cell(book, "材料", TOWN_ITEM, "required", nth=1).value = "也许"
    cell(book, "办理地点", TOWN_ITEM, "place").value = "OF-W99"
    cell(book, "步骤", TOWN_ITEM, "title").value = "长" * 41
    book["条件"].append(["UT-XX-001", "没有这个事项的条件"])
    page = small_town[TOWN_ITEM]
    revisions = page.revisions.count()

    result = run(small_town, book, dry_run=False)

    assert problems(result) == [
        "事项:3: 未知的服务分类 '不存在的分类'（可用：单元测试社会救助）",
        "事项:4: 收费的事项要同时填写收费标准和收费依据；不收费请两列都留空",
        "事项:5: 编码 UT-ZZ-999 在本站没有对应的事项（表格导入只修改已有事项，新增事项请用目录导入）",
        "条件:4: 编码 UT-XX-001 不在“事项”工作表中",
        "材料:2: 份数：'30' 应为 1 到 20 的整数",
        "材料:3: 必须提交：'也许' 应填“是”或“否”",
        "步骤:2: 环节：最多 40 个字（现在 41 个）",
    ]
    assert not result.ok and result.changed == []  # the good summary belongs to an item with bad rows
    page.refresh_from_db()
    assert page.summary != "这一行是好的修改。" and page.revisions.count() == revisions


def test_schema_and_reference_problems_name_the_column(small_town):
    book = book_of(small_town)
    cell(book, "步骤", TOWN_ITEM, "title").value = "长" * 41
    cell(book, "办理地点", TOWN_ITEM, "place").value = "OF-W99"
    cell(book, "事项", TOWN_ITEM, "statutory_limit").value = "尽快"
    cell(book, "事项", TOWN_ITEM, "online_url").value = "zwfw"
    cell(book, "事项", TOWN_ITEM, "last_reviewed").value = "去年"
    cell(book, "事项", WINDOW_ITEM, "town_item").value = TOWN_ITEM
    cell(book, "事项", WINDOW_ITEM, "related_certificates").value = "ZM-N-99"
    cell(book, "材料", TOWN_ITEM, "condition", nth=1).value = ""
    assert problems(run(small_town, book)) == [
        "事项:2: 上次核对日期：'去年' 不是日期，应写成 2026-10-15",
        "事项:2: 法定时限：时限 '尽快' 应写成“20个工作日”“15个自然日”“即办”或“无”",
        "事项:2: 网上办理地址：'zwfw' 不是有效的网址（应以 http:// 或 https:// 开头）",
        "事项:3: 相关证明事项：证明事项 ZM-N-99 在本站找不到",
        "事项:3: 对应镇级事项：只有村级代办事项才填写对应镇级事项",
        "材料:3: 必须提交为“否”时要写明提交情形（在什么情形下提交）",
        "步骤:2: 环节：最多 40 个字（现在 41 个）",
    ]


def test_page_rules_are_checked_in_the_dry_run(small_town):
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "online").value = "全程网办"  # with 1 trip: refused by the reader's row check
    assert problems(run(small_town, book)) == ["事项:2: 全程网办的事项最多跑次数应为 0"]
    book = book_of(small_town)
    cell(book, "事项", VILLAGE_ITEM, "level").value = "镇"  # a town item that names a town item
    assert problems(run(small_town, book)) == ["事项:4: 对应镇级事项：只有村级代办事项才填写对应镇级事项"]


def test_documents_are_named_by_their_number(small_town):
    document = get_document_model()(title="低保申请书")
    document.file.save("dibao.pdf", ContentFile(b"%PDF-1.4 dibao"), save=False)
    document._set_document_file_metadata()
    document.save()
    page = small_town[TOWN_ITEM]
    material = page.materials.first()
    material.blank_form = document
    material.save()
    book = book_of(small_town)
    assert cell(book, "材料", TOWN_ITEM, "blank_form").value == f"#{document.pk} 低保申请书"
    assert changes(run(small_town, book)) == {}
    cell(book, "材料", TOWN_ITEM, "blank_form").value = "#999999"
    assert problems(run(small_town, book)) == ["材料:2: 空白表格：文档库中没有编号为 #999999 的文档"]
    cell(book, "材料", TOWN_ITEM, "blank_form").value = ""
    result = run(small_town, book, dry_run=False)
    assert changes(result) == {(TOWN_ITEM, "申请材料"): UPDATE}
    assert page.materials.first().blank_form is None


# -- conflicts ------------------------------------------------------------------------------------------


def edit_in_admin(page, **values) -> None:
    for name, value in values.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_a_field_edited_in_the_admin_since_the_export_and_changed_in_the_sheet_is_a_conflict(small_town):
    book = book_of(small_town)
    page = small_town[TOWN_ITEM]
    edit_in_admin(page, summary="后台改的简介。", eligibility="后台改的申请对象")
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格改的简介。"
    cell(book, "事项", TOWN_ITEM, "result").value = "表格改的办理结果"

    result = run(small_town, book)
    assert changes(result) == {
        (TOWN_ITEM, "一句话简介"): CONFLICT,
        (TOWN_ITEM, "申请对象"): KEEP,
        (TOWN_ITEM, "办理结果"): UPDATE,
    }
    assert result.conflicts == 1 and result.with_baseline
    (conflict,) = result.changed[0].conflicts
    assert (conflict.current, conflict.incoming) == ("后台改的简介。", "表格改的简介。")

    run(small_town, book, dry_run=False)
    page.refresh_from_db()
    assert (page.summary, page.eligibility, page.result_name) == (
        "后台改的简介。",
        "后台改的申请对象",
        "表格改的办理结果",
    )

    result = run(small_town, book, dry_run=False, take_file=True)
    assert changes(result) == {(TOWN_ITEM, "一句话简介"): TAKE, (TOWN_ITEM, "申请对象"): KEEP}
    page.refresh_from_db()
    assert (page.summary, page.eligibility) == ("表格改的简介。", "后台改的申请对象")


def test_an_admin_edit_made_before_the_export_is_no_conflict(small_town):
    page = small_town[TOWN_ITEM]
    edit_in_admin(page, summary="后台改的简介。")
    book = book_of(small_town)
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格又改的简介。"
    assert changes(run(small_town, book)) == {(TOWN_ITEM, "一句话简介"): UPDATE}


def test_without_the_export_baseline_the_last_import_is_the_base(small_town):
    page = small_town[TOWN_ITEM]
    values = Values(Documents()).of_page(page, ITEM_KEYS)
    page.import_snapshot = as_snapshot(ServiceItemPage, values)  # as if the catalog import had written it
    edit_in_admin(page, summary="导入之后在后台改的简介。")
    book = book_of(small_town)  # exported after the admin edit ...
    del book[BASELINE_SHEET]  # ... but without its baseline
    cell(book, "事项", TOWN_ITEM, "summary").value = "表格改的简介。"
    result = run(small_town, book)
    assert not result.with_baseline
    assert changes(result) == {(TOWN_ITEM, "一句话简介"): CONFLICT}
    # A page never imported (no snapshot) compares as imports always did: the sheet wins.
    ServiceItemPage.objects.filter(pk=page.pk).update(import_snapshot={})
    assert changes(run(small_town, book)) == {(TOWN_ITEM, "一句话简介"): UPDATE}


# -- rights ---------------------------------------------------------------------------------------------


def test_only_superusers_and_town_reviewers_import_and_department_staff_export_their_units_items(small_town):
    admin = User.objects.create_superuser("sheet-admin", "a@example.invalid", "x")
    reviewer = User.objects.create_user("sheet-reviewer", password="x")
    reviewer.groups.add(Group.objects.get_or_create(name=TOWN_REVIEWERS_GROUP)[0])
    editor = User.objects.create_user("sheet-editor", password="x")
    unit = small_town.unit
    unit.editors_group = Group.objects.create(name="单元测试民政办编辑-表格")
    unit.save()
    editor.groups.add(unit.editors_group)
    resident = User.objects.create_user("sheet-nobody", password="x")

    assert [can_import(u) for u in (admin, reviewer, editor, resident)] == [True, True, False, False]
    site = small_town.site
    assert exportable_items(admin, site).count() == 3
    assert exportable_items(reviewer, site).count() == 3
    assert set(exportable_items(editor, site).values_list("responsible_unit", flat=True)) == {unit.pk}
    assert exportable_items(resident, site) is None
