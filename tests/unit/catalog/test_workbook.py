"""The spreadsheet format (catalog.workbook): written and read back, and bad files refused in Chinese."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from catalog.problems import ProblemList
from catalog.workbook import (
    BASELINE_SHEET,
    CATALOG_COLUMNS,
    HELP_SHEET,
    ITEMS,
    PARTS,
    read_upload,
    write_csv_zip,
    write_xlsx,
)

ITEM = {
    "code": "UT-MZ-001",
    "name": "最低生活保障申请",
    "category": "社会救助",
    "department": "民政办",
    "item_type": "行政给付",
    "level": "镇",
    "online": "网上预审",
    "max_trips": 1,
    "life_events": "",
    "audience": "个人",
    "keywords": "低保|吃低保",
    "summary": "=1+1 不是公式",  # text that looks like a formula stays text
    "eligibility": "本镇户籍\n家庭困难",
}
ROWS = {
    "items": [ITEM],
    "materials": [{"code": "UT-MZ-001", "name": "身份证", "copies": 2, "required": "否", "condition": "代办的"}],
    "places": [{"code": "UT-MZ-001", "place": "OF-H01", "place_name": "便民服务中心", "note": ""}],
}
BASELINE = {"UT-MZ-001": {"summary": "0123456789abcdef"}}


def read(name: str, data: bytes) -> tuple:
    problems = ProblemList()
    return read_upload(name, data, problems), [str(p) for p in problems]


@pytest.mark.parametrize("write, name", [(write_xlsx, "guides.xlsx"), (write_csv_zip, "guides.zip")])
def test_a_written_workbook_reads_back_the_same(write, name):
    upload, problems = read(name, write(ROWS, BASELINE))
    assert problems == []
    items = upload.sheets["items"]
    assert items.name == "事项"
    assert items.columns == [c.key for c in ITEMS.columns]
    (row,) = items.rows
    assert row.line == 2
    assert {k: row[k] for k in ITEM} == {**ITEM, "max_trips": "1"}
    (material,) = upload.sheets["materials"].rows
    assert (material["copies"], material["required"], material["blank_form"]) == ("2", "否", "")
    assert set(upload.sheets) == {"items", *(p.key for p in PARTS)}
    assert upload.sheets["conditions"].rows == []
    assert upload.baseline == BASELINE


def test_the_xlsx_has_chinese_headings_with_keys_a_help_sheet_and_a_hidden_baseline():
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(ROWS, BASELINE)))
    assert book.sheetnames == [
        "事项",
        "条件",
        "材料",
        "步骤",
        "依据",
        "常见问题",
        "办理地点",
        HELP_SHEET,
        BASELINE_SHEET,
    ]
    headings = [c.value for c in book["事项"][1]]
    assert headings[: len(CATALOG_COLUMNS)] == [
        "编码 code",
        "事项名称 name",
        "服务分类 category",
        "责任单位 department",
        "事项类型 item_type",
        "办理层级 level",
        "网上办理 online",
        "最多跑几次 max_trips",
        "人生事件 life_events",
        "服务对象 audience",
        "群众常用说法 keywords",
    ]
    assert book["事项"]["L2"].data_type == "s"  # "=1+1 …" is not a formula
    assert book[BASELINE_SHEET].sheet_state == "hidden"


def test_headings_may_be_the_key_or_the_label_alone_and_a_single_csv_is_the_items_sheet():
    header = ",".join(c.key if i % 2 else c.label for i, c in enumerate(CATALOG_COLUMNS))
    row = "UT-MZ-001,低保,社会救助,民政办,行政给付,镇,网上预审,1,,个人,低保"
    upload, problems = read("items.csv", f"\ufeff{header}\r\n{row}\r\n".encode())
    assert problems == []
    assert upload.sheets["items"].rows[0]["online"] == "网上预审"
    assert upload.baseline == {}


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GOOD_HEADER = ",".join(c.heading for c in CATALOG_COLUMNS)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.xlsx", b"", "上传的文件: 文件是空的".replace("上传的文件", "empty.xlsx")),
        ("guides.csv", csv_bytes(f"{GOOD_HEADER}\r\nUT-MZ-001,低保\r\n", "gbk"), "不是 UTF-8 编码"),
        ("guides.csv", csv_bytes("编码 code,名称\r\n"), "事项:1: 有未知的列：名称"),
        ("guides.csv", csv_bytes("code,name\r\n"), "事项:1: 缺少列：服务分类 category"),
        ("guides.csv", csv_bytes(f"{GOOD_HEADER},code\r\n"), "事项:1: 列重复：编码 code"),
        ("guides.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "不是表格文件"),
        ("guides.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel（.xls）"),
        ("guides.xlsx", b"PK\x03\x04broken", "文件已损坏"),
        ("guides.csv", csv_bytes(f"{GOOD_HEADER},summary,statutory_limit\r\n"), "缺少列：承诺时限 promised_limit"),
        (
            "guides.csv",
            csv_bytes(f"{GOOD_HEADER}\r\n" + "x," * 11 + "多出来的\r\n"),
            "事项:2: 第 12 列有内容但没有表头",
        ),
    ],
    ids=[
        "empty",
        "gbk",
        "unknown column",
        "missing column",
        "repeated column",
        "pdf",
        "xls",
        "broken zip",
        "half a column group",
        "cell without heading",
    ],
)
def test_bad_files_are_refused_with_a_chinese_reason(name, data, message):
    _upload, problems = read(name, data)
    assert any(message in p for p in problems), problems


def test_gbk_csv_says_how_to_fix_it():
    _upload, problems = read("guides.csv", csv_bytes(f"{GOOD_HEADER}\r\n", "gbk"))
    assert problems == [problems[0]] and "请用“UTF-8”另存后再导入" in problems[0]


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_from_chinese_windows_with_gbk_names_is_read(monkeypatch):
    # Zip tools on Chinese Windows write names in GBK without the UTF-8 flag.
    monkeypatch.setattr(zipfile.ZipInfo, "_encodeFilenameFlags", lambda info: (info.filename.encode("gbk"), 0))
    data = zip_of({"事项.csv": f"{GOOD_HEADER}\r\n".encode()})
    monkeypatch.undo()
    upload, problems = read("guides.zip", data)
    assert problems == []
    assert "items" in upload.sheets


def test_unknown_sheets_and_zips_without_csv_are_refused():
    _upload, problems = read("guides.zip", zip_of({"事项.csv": f"{GOOD_HEADER}\r\n".encode(), "备注.csv": b"a\r\n"}))
    assert problems == ["备注.csv: 未知的工作表“备注”（应为：事项、条件、材料、步骤、依据、常见问题、办理地点）"]
    _upload, problems = read("guides.zip", zip_of({"readme.txt": b"hello"}))
    assert problems == ["guides.zip: 压缩包里没有 CSV 文件；请上传导出的 .zip，或 .xlsx 文件"]


def test_a_broken_baseline_is_ignored():
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(ROWS, BASELINE)))
    book[BASELINE_SHEET]["B2"] = "{not json"
    out = io.BytesIO()
    book.save(out)
    upload, problems = read("guides.xlsx", out.getvalue())
    assert problems == [] and upload.baseline == {}


def test_dates_and_whole_numbers_typed_in_excel_read_as_text():
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(ROWS, {})))
    import datetime as dt

    sheet = book["事项"]
    column = [c.value for c in sheet[1]].index("上次核对日期 last_reviewed") + 1
    sheet.cell(row=2, column=column, value=dt.datetime(2026, 10, 15))
    sheet.cell(row=2, column=8, value=2.0)
    out = io.BytesIO()
    book.save(out)
    upload, _ = read("guides.xlsx", out.getvalue())
    row = upload.sheets["items"].rows[0]
    assert (row["last_reviewed"], row["max_trips"]) == ("2026-10-15", "2")
