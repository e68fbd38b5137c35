"""The clarity sheet's short forms in the guide format and the spreadsheet: load, conflicts, export, import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pydantic import ValidationError

from catalog.fieldvalues import snapshot_values
from catalog.schema import GuideIn, format_error_location
from catalog.spreadsheet_export import export_items
from catalog.spreadsheet_import import import_spreadsheet
from services.models import ServiceItemPage
from tests.loadcounts import items

pytestmark = pytest.mark.django_db

CODE = "XZ-MZ-001"
GUIDE = "guides/XZ-MZ-001.yaml"

SHORT_FORMS = """\
sheet_summary: 收入低于低保标准的家庭，每月领低保金。
sheet_eligibility: 本镇户籍的困难家庭
conditions:
  - text: 家庭月人均收入低于低保标准
    sheet: 月人均收入低于低保标准
  - 家庭成员名下没有机动车
steps:
  - {title: 申请, description: 到便民服务中心申请, sheet: 到便民服务中心申请}
  - {title: 审核, description: 入户调查}
materials:
  - name: 身份证
    sheet: 身份证原件
  - name: 委托书
    required: false
    condition: 委托他人代办的
    on_sheet: false
"""


def item() -> ServiceItemPage:
    return ServiceItemPage.objects.get(code=CODE)


def with_short_forms(mini_catalog) -> None:
    mini_catalog.edit(
        GUIDE,
        "conditions:\n  - 家庭月人均收入低于低保标准\n"
        "steps:\n  - {title: 申请, description: 到便民服务中心申请}\n  - {title: 审核, description: 入户调查}\n",
        SHORT_FORMS,
    )


def rows(relation) -> list[tuple]:
    return [tuple(row) for row in relation]


# -- the guide format ------------------------------------------------------------------


def test_a_condition_is_text_or_text_with_its_short_form():
    guide = GuideIn.model_validate(
        {"code": CODE, "conditions": ["全文一", {"text": "全文二", "sheet": "简写二"}, {"text": "全文三"}]}
    )
    assert [(c.text, c.sheet) for c in guide.condition_list()] == [("全文一", ""), ("全文二", "简写二"), ("全文三", "")]


@pytest.mark.parametrize(
    "data, where",
    [
        ({"conditions": [{"text": "全文", "sheet": "长" * 61}]}, "conditions[0].sheet"),
        ({"conditions": [{"sheet": "只有简写"}]}, "conditions[0].text"),
        ({"steps": [{"title": "申请", "description": "说明", "sheet": "长" * 41}]}, "steps[0].sheet"),
        ({"materials": [{"name": "身份证", "on_sheet": "也许"}]}, "materials[0].on_sheet"),
        ({"sheet_summary": "长" * 61}, "sheet_summary"),
        ({"sheet_eligibility": "长" * 61}, "sheet_eligibility"),
        ({"materials": [{"name": "身份证", "sheet": "长" * 61}]}, "materials[0].sheet"),
    ],
)
def test_short_forms_are_checked_with_their_place_in_the_file(data, where):
    with pytest.raises(ValidationError) as caught:
        GuideIn.model_validate({"code": CODE, **data})
    assert where in {format_error_location(err["loc"]) for err in caught.value.errors()}


def test_the_short_forms_are_loaded_onto_the_page(mini_catalog):
    with_short_forms(mini_catalog)
    output = mini_catalog.load()
    assert items(output)[1] == 1 and "conflict" not in output
    page = item()
    assert page.sheet_summary == "收入低于低保标准的家庭，每月领低保金。"
    assert page.sheet_eligibility == "本镇户籍的困难家庭"
    assert rows(page.conditions.values_list("text", "sheet_text")) == [
        ("家庭月人均收入低于低保标准", "月人均收入低于低保标准"),
        ("家庭成员名下没有机动车", ""),
    ]
    assert rows(page.steps.values_list("title", "sheet_text")) == [("申请", "到便民服务中心申请"), ("审核", "")]
    assert rows(page.materials.values_list("name", "on_sheet")) == [("身份证", True), ("委托书", False)]
    assert rows(page.materials.values_list("sheet_text", flat=False)) == [("身份证原件",), ("",)]
    # Recorded like every other imported value, and a second run writes nothing.
    snapshot = snapshot_values(page.import_snapshot)
    assert snapshot["sheet_summary"] == page.sheet_summary
    assert snapshot["sheet_eligibility"] == page.sheet_eligibility
    assert snapshot["conditions"][0]["sheet_text"] == "月人均收入低于低保标准"
    assert items(mini_catalog.load())[1] == 0


def test_a_short_form_edited_in_the_admin_and_changed_in_the_file_is_a_conflict(mini_catalog):
    with_short_forms(mini_catalog)
    mini_catalog.load()
    page = item()
    page.sheet_summary = "后台写的明白纸简介。"
    page.save_revision().publish()
    mini_catalog.edit(GUIDE, "sheet_summary: 收入低于", "sheet_summary: 文件改过：收入低于")
    output = mini_catalog.load()
    assert "  XZ-MZ-001 明白纸上的一句话简介: admin “后台写的明白纸简介。” | file “文件改过：" in output
    assert item().sheet_summary == "后台写的明白纸简介。"
    # Only the admin edit is kept: a short form changed in the file alone is updated.
    mini_catalog.edit(GUIDE, "sheet: 月人均收入低于低保标准", "sheet: 人均收入低于低保标准")
    mini_catalog.load()
    assert item().conditions.first().sheet_text == "人均收入低于低保标准"
    assert item().sheet_summary == "后台写的明白纸简介。"


def test_pages_imported_before_the_short_forms_existed_take_them_from_the_file(mini_catalog):
    """A snapshot whose rows lack the new columns is no admin edit: the file's short forms are updates."""
    page = item()
    snapshot = page.import_snapshot
    for relation in ("conditions", "steps"):
        for row in snapshot["children"][relation]:
            row.pop("sheet_text")
    del snapshot["fields"]["sheet_summary"]
    ServiceItemPage.objects.filter(pk=page.pk).update(import_snapshot=snapshot, import_fingerprint="old")
    with_short_forms(mini_catalog)
    output = mini_catalog.load()
    assert "conflict" not in output and items(output)[1] == 1
    assert item().steps.first().sheet_text == "到便民服务中心申请"


def test_the_dry_run_shows_a_material_left_off_the_sheet(mini_catalog):
    with_short_forms(mini_catalog)
    mini_catalog.load()
    mini_catalog.edit(GUIDE, "    on_sheet: false\n", "")
    output = mini_catalog.load("--dry-run")
    assert "不列在明白纸上" in output


# -- the spreadsheet ----------------------------------------------------------------------


def workbook(site) -> openpyxl.Workbook:
    data = export_items(ServiceItemPage.objects.descendant_of(site.root_page), "xlsx").content
    return openpyxl.load_workbook(io.BytesIO(data))


def upload(site, book, **options):
    out = io.BytesIO()
    book.save(out)
    return import_spreadsheet(site, "guides.xlsx", out.getvalue(), **options)


def column(sheet, key: str) -> int:
    return [str(c.value).split()[-1] for c in sheet[1]].index(key)


def cells(book, sheet_name: str, key: str) -> list:
    sheet = book[sheet_name]
    index = column(sheet, key)
    return [row[index] for row in sheet.iter_rows(min_row=2) if row[0].value == CODE]


def test_the_spreadsheet_carries_the_short_forms_and_comes_back_unchanged(mini_catalog):
    with_short_forms(mini_catalog)
    mini_catalog.load()
    book = workbook(mini_catalog.site)
    assert [c.value for c in cells(book, "事项", "sheet_summary")] == ["收入低于低保标准的家庭，每月领低保金。"]
    assert [c.value for c in cells(book, "事项", "sheet_eligibility")] == ["本镇户籍的困难家庭"]
    assert [c.value for c in cells(book, "条件", "sheet")] == ["月人均收入低于低保标准", None]
    assert [c.value for c in cells(book, "步骤", "sheet")] == ["到便民服务中心申请", None]
    assert [c.value for c in cells(book, "材料", "on_sheet")] == ["是", "否"]
    assert [c.value for c in cells(book, "材料", "sheet")] == ["身份证原件", None]
    result = upload(mini_catalog.site, book)
    assert result.problems == [] and result.changed == []


def test_short_forms_edited_in_the_spreadsheet_are_imported(mini_catalog):
    with_short_forms(mini_catalog)
    mini_catalog.load()
    book = workbook(mini_catalog.site)
    cells(book, "事项", "sheet_summary")[0].value = "表格里改的简介。"
    cells(book, "事项", "sheet_eligibility")[0].value = "本镇困难家庭"
    cells(book, "条件", "sheet")[1].value = "名下没有车"
    cells(book, "步骤", "sheet")[1].value = "工作人员上门核实"
    cells(book, "材料", "on_sheet")[0].value = "否"
    cells(book, "材料", "sheet")[1].value = "委托他人办的：委托书"
    result = upload(mini_catalog.site, book, dry_run=False)
    assert result.problems == []
    page = item()
    assert page.sheet_summary == "表格里改的简介。"
    assert page.sheet_eligibility == "本镇困难家庭"
    assert page.conditions.last().sheet_text == "名下没有车"
    assert page.steps.last().sheet_text == "工作人员上门核实"
    assert rows(page.materials.values_list("on_sheet", flat=False)) == [(False,), (False,)]
    assert page.materials.last().sheet_text == "委托他人办的：委托书"


def test_a_spreadsheet_without_the_short_form_columns_keeps_them(mini_catalog):
    """An export from before the short forms (or a hand-made sheet) replaces the lists but keeps each short form."""
    with_short_forms(mini_catalog)
    mini_catalog.load()
    book = workbook(mini_catalog.site)
    for sheet_name, key in (
        ("条件", "sheet"),
        ("步骤", "sheet"),
        ("材料", "on_sheet"),
        ("材料", "sheet"),
        ("事项", "sheet_summary"),
    ):
        book[sheet_name].delete_cols(column(book[sheet_name], key) + 1)
    cells(book, "步骤", "description")[1].value = "工作人员入户调查"
    result = upload(mini_catalog.site, book, dry_run=False)
    assert result.problems == []
    page = item()
    assert page.steps.last().description == "工作人员入户调查"
    assert rows(page.steps.values_list("sheet_text", flat=False)) == [("到便民服务中心申请",), ("",)]
    assert page.conditions.first().sheet_text == "月人均收入低于低保标准"
    assert rows(page.materials.values_list("on_sheet", flat=False)) == [(True,), (False,)]
    assert page.materials.first().sheet_text == "身份证原件"
    assert page.sheet_summary == "收入低于低保标准的家庭，每月领低保金。"


def test_a_bad_short_form_cell_is_reported_with_its_sheet_and_row(mini_catalog):
    with_short_forms(mini_catalog)
    mini_catalog.load()
    book = workbook(mini_catalog.site)
    cells(book, "材料", "on_sheet")[0].value = "也许"
    cells(book, "步骤", "sheet")[0].value = "长" * 41
    result = upload(mini_catalog.site, book)
    assert [str(p) for p in result.problems] == [
        "材料:2: 列在明白纸上：'也许' 应填“是”或“否”",
        "步骤:2: 明白纸一句话：最多 40 个字（现在 41 个）",
    ]
