"""Spreadsheet export and import in the admin over the whole demo catalog, and load_catalog's conflicts."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, Revision

from catalog.loader import CatalogLoader
from catalog.workbook import CATALOG_COLUMNS
from services.models import ResponsibleUnit, ServiceItemPage
from tests.loadcounts import items

pytestmark = pytest.mark.django_db

EDITED = "QH-MZ-001"
OTHER = "QH-MZ-002"


def snapshot() -> tuple:
    """What an import that writes nothing leaves exactly as it was."""
    return (
        Revision.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "title", "live", "latest_revision_id")),
        list(ServiceItemPage.objects.order_by("pk").values_list("summary", "keywords")),
    )


def export(client, format: str = "xlsx") -> bytes:
    response = client.get(reverse("catalog_spreadsheets_export", args=[format]))
    assert response.status_code == 200, response.content[:500]
    return response.content


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(book, sheet: str, code: str, key: str, nth: int = 0):
    rows = book[sheet]
    keys = [str(c.value).split()[-1] for c in rows[1]]
    return [row for row in rows.iter_rows(min_row=2) if row[0].value == code][nth][keys.index(key)]


def upload(client, data: bytes, name: str = "guides.xlsx"):
    response = client.post(reverse("catalog_spreadsheets_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    return response


def apply(client, preview, take_file: bool = False):
    form = {"plan": preview.context["plan"], **({"take_file": "on"} if take_file else {})}
    response = client.post(reverse("catalog_spreadsheets_apply", args=[preview.context["token"]]), form)
    assert response.status_code == 200
    return response


def text(response) -> str:
    return response.content.decode("utf-8")


# -- round trip -------------------------------------------------------------------------------------


def test_the_whole_catalog_exported_and_imported_unchanged_changes_nothing(admin_client):
    data = export(admin_client)
    book = workbook(data)
    assert book["事项"].max_row == 148  # a header and 147 items
    assert [c.value for c in book["事项"][1]][: len(CATALOG_COLUMNS)] == [c.heading for c in CATALOG_COLUMNS]
    assert book["材料"].max_row > 500 and book["办理地点"].max_row > 147
    before = snapshot()

    preview = upload(admin_client, data)

    result = preview.context["result"]
    assert result.problems == [] and result.rows == 147
    assert result.pages == []
    assert "表格与后台内容一致，没有需要导入的修改" in text(preview)
    assert snapshot() == before


def test_the_csv_export_is_a_zip_of_one_csv_per_sheet_and_comes_back_unchanged(admin_client):
    data = export(admin_client, "csv")
    result = upload(admin_client, data, "guides.zip").context["result"]
    assert result.problems == [] and result.rows == 147 and result.pages == []


# -- dry run, problems, apply --------------------------------------------------------------------------


def test_a_valid_edit_and_a_bad_row_show_the_diff_and_the_error_and_write_nothing_then_apply_when_fixed(admin_client):
    book = workbook(export(admin_client))
    cell(book, "事项", EDITED, "summary").value = "表格中改写的低保简介。"
    materials = book["材料"]
    materials.append([OTHER, "银行卡", "复印件", "两份", "纸质", "申请人自备", "是", "", "", "", ""])
    bad_line = materials.max_row
    before = snapshot()

    preview = upload(admin_client, saved(book))

    result = preview.context["result"]
    assert [str(p) for p in result.problems] == [f"材料:{bad_line}: 份数：'两份' 应为 1 到 20 的整数"]
    assert [(p.code, [c.label for c in p.changes]) for p in result.pages] == [(EDITED, ["一句话简介"])]
    page = text(preview)
    assert "发现 1 个问题，没有写入任何内容" in page and f"第 {bad_line} 行" in page
    assert "表格中改写的低保简介。" in page  # the good item's change, field by field
    assert "确认导入" not in page
    assert snapshot() == before

    cell(book, "材料", OTHER, "copies", nth=-1).value = 2
    preview = upload(admin_client, saved(book))
    result = preview.context["result"]
    assert result.problems == []
    assert [(p.code, [c.label for c in p.changes]) for p in result.pages] == [
        (EDITED, ["一句话简介"]),
        (OTHER, ["申请材料"]),
    ]
    page = text(preview)
    assert "这是预览，还没有写入任何内容" in page and "表格中改写的低保简介。" in page
    assert "银行卡 复印件 2份 纸质 申请人自备 必须提交" in page
    assert snapshot() == before

    item = ServiceItemPage.objects.get(code=EDITED)
    revisions = item.revisions.count()
    done = apply(admin_client, preview)

    assert "已导入" in text(done) and "2 个事项已更新并发布为新版本" in text(done)
    item.refresh_from_db()
    assert item.summary == "表格中改写的低保简介。"
    assert ServiceItemPage.objects.get(code=OTHER).materials.last().name == "银行卡"
    assert item.revisions.count() == revisions + 1 and item.live_revision == item.get_latest_revision()
    assert admin_client.get(item.url).content.decode().count("表格中改写的低保简介。") >= 1


@pytest.mark.engine
def test_applying_is_one_transaction(admin_client, monkeypatch):
    book = workbook(export(admin_client))
    cell(book, "事项", EDITED, "summary").value = "第一个事项的新简介。"
    cell(book, "事项", OTHER, "summary").value = "第二个事项的新简介。"
    preview = upload(admin_client, saved(book))
    before = snapshot()
    original = CatalogLoader._save

    def fail_on_the_second(loader, page, code):
        if code == OTHER:
            raise RuntimeError("disk full")
        return original(loader, page, code)

    monkeypatch.setattr(CatalogLoader, "_save", fail_on_the_second)
    with pytest.raises(RuntimeError):
        apply(admin_client, preview)
    assert snapshot() == before


def test_a_preview_is_applied_only_as_previewed(admin_client):
    book = workbook(export(admin_client))
    cell(book, "事项", EDITED, "summary").value = "表格中改写的低保简介。"
    preview = upload(admin_client, saved(book))
    item = ServiceItemPage.objects.get(code=EDITED)
    item.result_name = "预览之后在后台改的办理结果"
    item.save_revision().publish()
    item.refresh_from_db()
    assert apply(admin_client, preview).context["result"].pages  # the same changes: applied
    item.refresh_from_db()
    assert item.summary == "表格中改写的低保简介。"
    cell(book, "事项", EDITED, "summary").value = "再改一次。"
    preview = upload(admin_client, saved(book))
    item.summary = "预览之后后台又改了简介"
    item.save_revision().publish()
    again = apply(admin_client, preview)
    assert "预览之后，后台或表格中的内容有了变化，没有写入任何内容" in text(again)
    item.refresh_from_db()
    assert item.summary == "预览之后后台又改了简介"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("guides.csv", "编码 code,事项名称 name\r\n低保,低保申请\r\n".encode("gbk"), "不是 UTF-8 编码"),
        ("guides.csv", b"code,name\r\n", "缺少列：服务分类 category"),
        ("guides.pdf", b"%PDF-1.7\n\x00\x01", "不是表格文件"),
        ("guides.xlsx", b"", "表格文件"),  # Django's own: the submitted file is empty
    ],
    ids=["gbk", "wrong columns", "not a spreadsheet", "empty"],
)
def test_bad_files_get_a_clear_chinese_message(admin_client, name, data, message):
    response = upload(admin_client, data, name)
    assert message in text(response)


# -- conflicts ---------------------------------------------------------------------------------------------


def test_a_field_edited_in_the_admin_then_changed_in_the_sheet_is_a_conflict_kept_unless_taken(admin_client):
    book = workbook(export(admin_client))
    item = ServiceItemPage.objects.get(code=OTHER)
    item.summary = "导出之后在后台改的简介。"
    item.save_revision().publish()
    cell(book, "事项", OTHER, "summary").value = "表格中改的简介。"

    preview = upload(admin_client, saved(book))
    result = preview.context["result"]
    assert result.conflicts == 1
    page = text(preview)
    assert "1 处冲突" in page and "导出之后在后台改的简介。" in page and "表格中改的简介。" in page
    assert "冲突时采用表格中的值（覆盖后台的修改）" in page

    done = apply(admin_client, preview)
    assert "1 处冲突保留了后台的值" in text(done)
    item.refresh_from_db()
    assert item.summary == "导出之后在后台改的简介。"

    preview = upload(admin_client, saved(book))
    done = apply(admin_client, preview, take_file=True)
    assert "1 处冲突已采用表格中的值" in text(done)
    item.refresh_from_db()
    assert item.summary == "表格中改的简介。"


def load(*args, **options) -> str:
    out = io.StringIO()
    call_command("load_catalog", *[str(a) for a in args], stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_load_catalog_lists_the_same_conflicts_in_dry_run_and_keeps_the_admin_value(
    admin_client, catalog_copy, content_copy
):
    # A spreadsheet import counts as an admin edit to the next catalog load.
    book = workbook(export(admin_client))
    cell(book, "事项", EDITED, "summary").value = "表格中改写的低保简介。"
    apply(admin_client, upload(admin_client, saved(book)))
    assert items(load(catalog_copy, content=content_copy))[1:] == (0, 147)

    guide = content_copy / "guides" / f"{EDITED}.yaml"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("summary: 家庭人均收入", "summary: 文件中改写：家庭人均收入", 1),
        encoding="utf-8",
    )
    dry = load(catalog_copy, content=content_copy, dry_run=True)
    assert f"  {EDITED} 一句话简介: admin “表格中改写的低保简介。” | file “文件中改写：家庭人均收入" in dry
    assert "    一句话简介: conflict, kept as edited in the admin" in dry

    output = load(catalog_copy, content=content_copy)
    assert "conflicts: 1 field(s) edited in the admin and changed in the file" in output
    assert ServiceItemPage.objects.get(code=EDITED).summary == "表格中改写的低保简介。"

    load(catalog_copy, content=content_copy, take_file=True)
    assert ServiceItemPage.objects.get(code=EDITED).summary.startswith("文件中改写：家庭人均收入")


# -- rights -------------------------------------------------------------------------------------------


def test_department_editors_export_their_units_items_and_cannot_import(client):
    unit = ResponsibleUnit.objects.get(name="镇社会事务办公室（民政）")
    assert unit.editors_group is not None  # made with the unit (services.permissions)
    editor = User.objects.create_user("mz-sheet-editor", password="x")
    editor.groups.add(unit.editors_group)
    client.force_login(editor)

    index = client.get(reverse("catalog_spreadsheets"))
    assert index.status_code == 200
    count = ServiceItemPage.objects.filter(responsible_unit=unit).count()
    assert f"导出本单位的 {count} 个事项" in text(index)
    assert "只有镇级审核组的成员和管理员可以导入表格" in text(index)
    book = workbook(export(client))
    assert book["事项"].max_row == count + 1
    assert {row[3].value for row in book["事项"].iter_rows(min_row=2)} == {unit.name}

    response = client.post(reverse("catalog_spreadsheets_import"), {"file": SimpleUploadedFile("x.xlsx", b"x")})
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))  # Wagtail's "no permission"
