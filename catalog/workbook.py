"""The guide spreadsheet: its sheets and columns, and reading and writing it as XLSX or a zip of CSVs.

One workbook holds a set of service items (docs/content-format.md, "Spreadsheets"):

- ``事项``: one row per item, the columns of ``service-items.csv`` first, then
  the guide's single-valued fields;
- ``条件``, ``材料``, ``步骤``, ``依据``, ``常见问题``, ``办理地点``: the guide's
  lists, one row per entry, keyed by the item's code, in order;
- ``说明``: what each column means (ignored when importing);
- ``_导出基准`` (hidden): per item, a digest of each value as exported, so an
  import can tell a field edited in the admin since the export from one
  changed in the spreadsheet.

A heading is the Chinese label and the documented key (``编码 code``); the key
or the label alone is accepted too. As CSV, each sheet is ``<sheet>.csv``
(UTF-8 with BOM) in one zip; a single CSV is read as the ``事项`` sheet.

Nothing here touches the database: ``catalog.spreadsheet_export`` fills the
rows, ``catalog.spreadsheet_import`` checks them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from .problems import ProblemList
from .tables import Row, decode_utf8

MAX_ROWS = 20000  # per sheet; a catalog has a few hundred items and a few thousand list entries


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str = ""
    width: int = 16
    # Only shown to help the reader (a place's name beside its code); ignored when importing.
    info: bool = False

    @property
    def heading(self) -> str:
        return f"{self.label} {self.key}"


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    columns: tuple[Column, ...]
    # Columns an upload of this sheet must have; None: every column that is not ``info``.
    required: tuple[str, ...] | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required_keys(self) -> tuple[str, ...]:
        if self.required is not None:
            return self.required
        return tuple(c.key for c in self.columns if not c.info)


CODE = Column("code", "编码", "事项编码，如 QH-MZ-001；列表工作表用它指明属于哪个事项", 12)

# service-items.csv, in its documented order.
CATALOG_COLUMNS = (
    CODE,
    Column("name", "事项名称", "", 30),
    Column("category", "服务分类", "须是已有的服务分类"),
    Column("department", "责任单位", "须是某个办事地点的进驻单位", 24),
    Column("item_type", "事项类型", "行政许可、行政给付、行政确认、公共服务、其他行政权力"),
    Column("level", "办理层级", "镇 或 村", 8),
    Column("online", "网上办理", "全程网办、网上预审、窗口办理", 10),
    Column("max_trips", "最多跑几次", "0 到 9；全程网办为 0", 8),
    Column("life_events", "人生事件", "多个用 | 分隔", 16),
    Column("audience", "服务对象", "个人、法人 或 个人|法人", 10),
    Column("keywords", "群众常用说法", "多个用 | 分隔（含指南补充的说法）", 30),
)
GUIDE_COLUMNS = (
    Column("summary", "一句话简介", "不超过 120 字，建议 60 字以内", 40),
    Column(
        "sheet_summary",
        "明白纸一句话简介",
        "只用于明白纸：一句话说清是什么事，建议 40 字以内；留空则用一句话简介的第一句",
        30,
    ),
    Column("eligibility", "申请对象", "", 30),
    Column(
        "sheet_eligibility",
        "明白纸申请对象",
        "只用于明白纸：一行说清谁可以办，建议 28 字以内；留空则印申请对象全文",
        30,
    ),
    Column("statutory_limit", "法定时限", "如 30个工作日、15个自然日、即办、无", 12),
    Column("promised_limit", "承诺时限", "如 20个工作日、即办", 12),
    Column("time_limit_note", "时限说明", "", 24),
    Column("fee_standard", "收费标准", "不收费的留空", 20),
    Column("fee_basis", "收费依据", "收费时必填", 20),
    Column("hours_note", "办理时间补充说明", "只写与办理地点办公时间不同的安排", 24),
    Column("online_url", "网上办理地址", "留空则用站点设置中的政务服务网地址", 24),
    Column("online_note", "网上办理说明", "", 24),
    Column("trips_reason", "需要到现场的原因", "最多跑几次不为 0 时填写", 24),
    Column("result", "办理结果", "", 24),
    Column("result_delivery", "结果送达", "", 20),
    Column("consultation_phone", "咨询电话", "留空则用主要办理地点的电话", 16),
    Column("complaint_phone", "监督投诉电话", "留空则用全镇的投诉电话", 16),
    Column("related_certificates", "相关证明事项", "证明事项编码，多个用 | 分隔", 18),
    Column("related_items", "相关事项", "事项编码，多个用 | 分隔", 18),
    Column("town_item", "对应镇级事项", "村级代办事项填写镇级事项编码", 12),
    Column("last_reviewed", "上次核对日期", "如 2026-10-15", 12),
)
# Guide columns that only make sense together: an upload has all of a group or none of it.
COLUMN_GROUPS = (
    ("statutory_limit", "promised_limit", "time_limit_note"),
    ("fee_standard", "fee_basis"),
    ("online_url", "online_note"),
    ("consultation_phone", "complaint_phone"),
)

ITEMS = SheetSpec("items", "事项", CATALOG_COLUMNS + GUIDE_COLUMNS, required=tuple(c.key for c in CATALOG_COLUMNS))
PARTS = (
    SheetSpec(
        "conditions",
        "条件",
        (
            CODE,
            Column("text", "条件", "一条具体的受理条件", 60),
            Column("sheet", "明白纸简写", "只用于明白纸：条件的简短说法，建议 30 字以内；留空则印全文", 30),
        ),
        required=("code", "text"),
    ),
    SheetSpec(
        "materials",
        "材料",
        (
            CODE,
            Column("name", "材料名称", "", 30),
            Column("form", "原件/复印件", "原件、复印件、原件和复印件", 12),
            Column("copies", "份数", "1 到 20", 6),
            Column("medium", "载体", "纸质、电子、纸质或电子", 10),
            Column("source", "来源", "如 申请人自备、公安机关", 20),
            Column("required", "必须提交", "是 或 否；否 时须填提交情形", 8),
            Column("condition", "提交情形", "如 委托他人代办的", 20),
            Column("notes", "备注", "", 24),
            Column("blank_form", "空白表格", "后台文档库的文档编号，如 #12", 12),
            Column("sample", "填写样例", "后台文档库的文档编号，如 #13", 12),
            Column("on_sheet", "列在明白纸上", "是 或 否；否 时明白纸只写“另有N项材料，扫码查看全部”", 8),
            Column("sheet", "明白纸上的简写", "只用于明白纸：这项材料写成一行，建议 24 字以内；留空则印名称和份数", 24),
        ),
        required=(
            "code",
            "name",
            "form",
            "copies",
            "medium",
            "source",
            "required",
            "condition",
            "notes",
            "blank_form",
            "sample",
        ),
    ),
    SheetSpec(
        "steps",
        "步骤",
        (
            CODE,
            Column("title", "环节", "不超过 40 字", 14),
            Column("description", "说明", "", 60),
            Column("sheet", "明白纸一句话", "只用于明白纸：这一步用一行话说清，建议 20 字以内；留空则印环节", 24),
        ),
        required=("code", "title", "description"),
    ),
    SheetSpec(
        "legal_basis",
        "依据",
        (
            CODE,
            Column("document", "文件名称", "带书名号，如《社会救助暂行办法》", 36),
            Column("article", "条款", "", 24),
        ),
    ),
    SheetSpec("faq", "常见问题", (CODE, Column("q", "问题", "", 36), Column("a", "回答", "", 60))),
    SheetSpec(
        "places",
        "办理地点",
        (
            CODE,
            Column("place", "地点编码", "办事地点编码，如 OF-W05；第一个为主要办理地点", 12),
            Column("place_name", "地点名称", "仅供参考，导入时不读取", 30, info=True),
            Column("note", "说明", "", 30),
        ),
    ),
)
SHEETS = (ITEMS, *PARTS)
HELP_SHEET = "说明"
BASELINE_SHEET = "_导出基准"
BASELINE_COLUMNS = ("code", "digests")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
# Characters XML 1.0 cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class SheetData:
    """One sheet of an upload: the columns it has (by key) and its rows (values as text, with their row number)."""

    spec: SheetSpec
    name: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Upload:
    sheets: dict[str, SheetData] = field(default_factory=dict)
    # item code -> {state key: digest} of the values it was exported with
    baseline: dict[str, dict[str, str]] = field(default_factory=dict)


# -- writing -------------------------------------------------------------------


def write_xlsx(rows: dict[str, list[dict]], baseline: dict[str, dict[str, str]]) -> bytes:
    """A workbook with every sheet (rows by sheet key; values by column key), the help and the baseline."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for spec in SHEETS:
        sheet = book.create_sheet(spec.name)
        sheet.append([c.heading for c in spec.columns])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
        for record in rows.get(spec.key, []):
            sheet.append([_xlsx_value(record.get(c.key, "")) for c in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "B2"
        # Formula-like text stays text: a summary that starts with "=" is not a formula.
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    help_sheet = book.create_sheet(HELP_SHEET)
    help_sheet.append(["工作表", "列", "说明"])
    for cell in help_sheet[1]:
        cell.font = bold
    for line in help_lines():
        help_sheet.append(list(line))
    for letter, width in (("A", 12), ("B", 28), ("C", 70)):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    base = book.create_sheet(BASELINE_SHEET)
    base.append(list(BASELINE_COLUMNS))
    for code, digests in baseline.items():
        base.append([code, json.dumps(digests, sort_keys=True)])
    base.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def write_csv_zip(rows: dict[str, list[dict]], baseline: dict[str, dict[str, str]]) -> bytes:
    """A zip of one UTF-8 CSV (with BOM, so spreadsheet programs read Chinese correctly) per sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for spec in SHEETS:
            table = [[c.heading for c in spec.columns]]
            table += [[_csv_value(record.get(c.key, "")) for c in spec.columns] for record in rows.get(spec.key, [])]
            archive.writestr(f"{spec.name}.csv", _csv_bytes(table))
        archive.writestr(f"{HELP_SHEET}.csv", _csv_bytes([["工作表", "列", "说明"], *help_lines()]))
        table = [list(BASELINE_COLUMNS), *([code, json.dumps(d, sort_keys=True)] for code, d in baseline.items())]
        archive.writestr(f"{BASELINE_SHEET}.csv", _csv_bytes(table))
    return out.getvalue()


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def _csv_bytes(table: list[list]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(table)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def help_lines() -> list[tuple[str, str, str]]:
    lines = [
        (
            "（全部）",
            "",
            "“事项”每行一个事项；其他工作表每行一条，用“编码”指明属于哪个事项，按行的先后排序。"
            "上传时没有的列表工作表保持原样；有的工作表，其中事项的条目整体替换。"
            "“_导出基准”是隐藏的工作表，用来判断后台是否在导出后改过，请勿修改。",
        )
    ]
    for spec in SHEETS:
        for column in spec.columns:
            lines.append((spec.name, column.heading, column.help))
    return lines


# -- reading -------------------------------------------------------------------


def read_upload(filename: str, data: bytes, problems: ProblemList) -> Upload | None:
    """The sheets of an uploaded XLSX, zip of CSVs or single CSV; None after problems when it cannot be read."""
    name = filename or "上传的文件"
    if not data.strip():
        problems.add(name, None, "文件是空的")
        return None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.add(name, None, "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 格式后再上传")
        return None
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(name, data, problems)
    if filename.lower().endswith((".xlsx", ".zip", ".xls", ".ods")) or b"\x00" in data[:4096]:
        problems.add(name, None, "不是表格文件：请上传导出的 .xlsx，或 .zip（每个工作表一个 CSV），或单个 .csv")
        return None
    upload = Upload()
    _read_csv_sheet(upload, ITEMS, ITEMS.name, data, problems)
    return upload


def _read_zip(name: str, data: bytes, problems: ProblemList) -> Upload | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        problems.add(name, None, "文件已损坏，无法打开（不是完整的 .xlsx 或 .zip 文件）")
        return None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return _read_xlsx(name, data, problems)
    members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv") and not info.is_dir()]
    if not members:
        problems.add(name, None, "压缩包里没有 CSV 文件；请上传导出的 .zip，或 .xlsx 文件")
        return None
    upload = Upload()
    for info in members:
        member = _zip_member_name(info)
        sheet_name = member.rsplit("/", 1)[-1][: -len(".csv")].strip()
        spec = _sheet_spec(sheet_name, member, problems)
        if spec is None:
            continue
        _read_csv_sheet(upload, spec, sheet_name, archive.read(info), problems)
    return upload


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Zip tools on Chinese Windows store names in GBK without saying so; Python read them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _sheet_spec(sheet_name: str, where: str, problems: ProblemList) -> SheetSpec | str | None:
    """The spec for a sheet name (or key); the baseline and help sheets as their names; None (with a problem)."""
    if sheet_name in (BASELINE_SHEET, HELP_SHEET):
        return sheet_name
    for spec in SHEETS:
        if sheet_name in (spec.name, spec.key):
            return spec
    known = "、".join(spec.name for spec in SHEETS)
    problems.add(where, None, f"未知的工作表“{sheet_name}”（应为：{known}）")
    return None


def _read_xlsx(name: str, data: bytes, problems: ProblemList) -> Upload | None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same to the editor
        problems.add(name, None, "Excel 文件已损坏或格式不对，无法打开；请用 Excel 或 WPS 另存为 .xlsx 后再上传")
        return None
    upload = Upload()
    try:
        for sheet in book.worksheets:
            spec = _sheet_spec(sheet.title.strip(), sheet.title, problems)
            if spec is None:
                continue
            cells = enumerate(sheet.iter_rows(values_only=True), start=1)
            rows = ((number, [_cell_text(v) for v in values]) for number, values in cells)
            _take_rows(upload, spec, sheet.title.strip(), rows, problems)
    finally:
        book.close()
    return upload


def _read_csv_sheet(upload: Upload, spec: SheetSpec | str, where: str, raw: bytes, problems: ProblemList) -> None:
    text = decode_utf8(raw, where, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows():
        # Numbered as a spreadsheet program shows them: one row per record, even one with line breaks.
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [cell.strip() for cell in record]
        except csv.Error as exc:
            problems.add(where, reader.line_num, f"CSV 格式错误：{exc}")

    _take_rows(upload, spec, where, rows(), problems)


def _take_rows(upload: Upload, spec: SheetSpec | str, where: str, rows, problems: ProblemList) -> None:
    if spec == HELP_SHEET:
        return
    header_row = next(rows, None)
    if spec == BASELINE_SHEET:
        _take_baseline(upload, rows)
        return
    if header_row is None or not any(header_row[1]):
        problems.add(where, 1, "工作表是空的，缺少表头")
        return
    line, header = header_row
    columns = _match_header(spec, header, where, problems)
    if columns is None:
        return
    if spec.key in upload.sheets:
        problems.add(where, None, f"工作表“{spec.name}”出现了两次")
        return
    sheet = upload.sheets[spec.key] = SheetData(spec, where, [c for c in columns if c])
    for line, cells in rows:
        if not any(cells):
            continue
        extra = [i for i, cell in enumerate(cells) if cell and (i >= len(columns) or not columns[i])]
        if extra:
            problems.add(where, line, f"第 {extra[0] + 1} 列有内容但没有表头")
            continue
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(columns) if key}
        sheet.rows.append(Row(line, values))
        if len(sheet.rows) > MAX_ROWS:
            problems.add(where, line, f"行数太多（超过 {MAX_ROWS} 行）")
            return


def _match_header(spec: SheetSpec, header: list[str], where: str, problems: ProblemList) -> list[str] | None:
    """Column keys in header order ('' for a blank heading); None after a problem when the header is wrong."""
    by_text = {}
    for column in spec.columns:
        for text in (column.heading, column.key, column.label):
            by_text[_heading_key(text)] = column.key
    columns, unknown = [], []
    for text in header:
        if not text:
            columns.append("")
            continue
        key = by_text.get(_heading_key(text))
        if key is None:
            unknown.append(text)
        columns.append(key or "")
    bad = False
    if unknown:
        problems.add(where, 1, f"有未知的列：{'、'.join(unknown)}")
        bad = True
    missing = [spec.column(k).heading for k in spec.required_keys if k not in columns]
    if missing:
        problems.add(where, 1, f"缺少列：{'、'.join(missing)}")
        bad = True
    repeated = sorted({spec.column(k).heading for k in columns if k and columns.count(k) > 1})
    if repeated:
        problems.add(where, 1, f"列重复：{'、'.join(repeated)}")
        bad = True
    if spec is ITEMS and not bad:
        for group in COLUMN_GROUPS:
            present = [k for k in group if k in columns]
            if present and len(present) < len(group):
                absent = [spec.column(k).heading for k in group if k not in columns]
                together = spec.column(present[0]).heading
                problems.add(where, 1, f"缺少列：{'、'.join(absent)}（与 {together} 要一起提供）")
                bad = True
    return None if bad else columns


def _heading_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).lower()


def _take_baseline(upload: Upload, rows) -> None:
    """The hidden digests of an export; anything unreadable is dropped (the import then compares with the snapshot)."""
    for _line, cells in rows:
        if len(cells) < 2 or not cells[0]:
            continue
        try:
            digests = json.loads(cells[1])
        except ValueError:
            continue
        if isinstance(digests, dict) and all(isinstance(v, str) for v in digests.values()):
            upload.baseline[cells[0]] = digests


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat("minutes")
    return str(value).replace("\r\n", "\n").strip()
