"""An administrator exports the guides to Excel, edits them, and imports them: dry run first, then apply."""

from __future__ import annotations

import re
import time

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EDITED = "QH-MZ-001"  # gets a new summary
BROKEN = "QH-MZ-002"  # gets a material row with a bad number of copies
GUIDE_URL = "/services/qh-mz-001/"


def column(sheet, key: str) -> int:
    """The 1-based column whose heading ends with ``key`` (headings read ``一句话简介 summary``)."""
    return next(c.column for c in sheet[1] if str(c.value).split()[-1] == key)


def row_of(sheet, code: str) -> int:
    return next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == code)


def test_admin_exports_edits_and_imports_a_spreadsheet(journey, portal, tmp_path):
    tab = journey(viewport=(1280, 900))
    page = tab.page
    summary = f"表格导入测试改写的低保简介，编号{time.strftime('%m%d%H%M%S')}。"

    tab.log_in(portal.username, portal.password)

    # 报告 → 导入导出.
    page.get_by_role("button", name="报告").click()
    page.get_by_role("link", name="导入导出").click()
    page.wait_for_url("**/admin/catalog/spreadsheets/")
    expect(page.get_by_role("heading", name="导出", exact=True)).to_be_visible()
    tab.shot("import-export")

    # Export the whole catalog as XLSX.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel（.xlsx）").click()
    download = download_info.value
    assert re.fullmatch(r"guides-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)

    # Edit it as an editor would: one valid change, one bad row.
    book = openpyxl.load_workbook(exported)
    items, materials = book["事项"], book["材料"]
    assert items.max_row == 148
    items.cell(row=row_of(items, EDITED), column=column(items, "summary"), value=summary)
    materials.append([BROKEN, "银行卡", "复印件", "两份", "纸质", "申请人自备", "是", "", "", "", ""])
    bad_row = materials.max_row
    edited = tmp_path / "guides-edited.xlsx"
    book.save(edited)

    # Upload: the dry run shows the change field by field and the bad row, and writes nothing.
    page.locator("#id_file").set_input_files(edited)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("alert")).to_contain_text("发现 1 个问题，没有写入任何内容")
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("材料")
    expect(problems).to_contain_text(f"第 {bad_row} 行")
    expect(problems).to_contain_text("份数：'两份' 应为 1 到 20 的整数")
    change = page.locator(f".catalog-import-item[data-code='{EDITED}']")
    expect(change).to_contain_text("一句话简介")
    expect(change).to_contain_text(summary)
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    tab.shot("dry-run-with-row-error", full_page=True)

    # Nothing was written: the resident still sees the old summary.
    resident = journey(viewport=(390, 844))
    resident.page.goto(GUIDE_URL)
    expect(resident.page.locator("body")).not_to_contain_text(summary)

    # Fix the row, upload again: a clean dry run.
    materials.cell(row=bad_row, column=column(materials, "copies"), value=2)
    book.save(edited)
    page.locator("#id_file").set_input_files(edited)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("这是预览，还没有写入任何内容")).to_be_visible()
    expect(page.locator(f".catalog-import-item[data-code='{EDITED}']")).to_contain_text(summary)
    expect(page.locator(f".catalog-import-item[data-code='{BROKEN}']")).to_contain_text("银行卡 复印件 2份")
    tab.shot("dry-run-clean", full_page=True)

    # Apply: one transaction, then a summary.
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-done")).to_contain_text("2 个事项已更新并发布为新版本")
    expect(page.locator("#import-summary")).to_contain_text(EDITED)
    tab.shot("applied")

    # The guide page shows the change.
    resident.page.goto(GUIDE_URL)
    expect(resident.page.get_by_text(summary)).to_be_visible()
    tab.shot("guide-shows-the-change", page=resident.page)

    assert tab.problems == [] and resident.problems == []
