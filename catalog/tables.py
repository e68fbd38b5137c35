"""Strict reading of the catalog's CSV files.

The csv module does the parsing; what it does not do is refuse a file that is
not UTF-8 (it would surface as mojibake in pages) or say on which line a row
went wrong, so that is added here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .problems import ProblemList


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]


def decode_utf8(raw: bytes, path: Path | str, problems: ProblemList) -> str | None:
    """The text of a UTF-8 file (a BOM is dropped), or None after a problem saying why not (with a GBK hint)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "；文件看起来是 GBK/GB18030 编码，请用“UTF-8”另存后再导入"
        except UnicodeDecodeError:
            pass
        problems.add(path, line, f"不是 UTF-8 编码（第 {exc.start + 1} 字节 0x{raw[exc.start]:02x} 无法解码）{hint}")
        return None
    return text.removeprefix("\ufeff")


def read_table(path: Path, columns: list[str], problems: ProblemList) -> list[Row]:
    """Rows of ``path`` keyed by header; problems for encoding, header and shape."""
    if not path.is_file():
        problems.add(path, None, "文件不存在")
        return []
    text = decode_utf8(path.read_bytes(), path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.add(path, 1, "文件是空的，缺少表头")
        return []
    except csv.Error as exc:
        problems.add(path, 1, f"表头无法解析：{exc}")
        return []
    missing = [c for c in columns if c not in header]
    if missing:
        problems.add(path, 1, f"缺少列：{'、'.join(missing)}（表头应为：{','.join(columns)}）")
        return []
    unknown = [c for c in header if c not in columns]
    if unknown:
        problems.add(path, 1, f"有未知的列：{'、'.join(unknown)}")
        return []
    if len(set(header)) != len(header):
        problems.add(path, 1, "表头有重复的列")
        return []
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.add(
                    path, line, f"应有 {len(header)} 列，实际 {len(record)} 列（字段中的逗号请用英文双引号括起来）"
                )
                continue
            rows.append(Row(line, {k: v.strip() for k, v in zip(header, record, strict=True)}))
    except csv.Error as exc:
        problems.add(path, reader.line_num, f"CSV 格式错误：{exc}")
    return rows


def split_multi(value: str) -> list[str]:
    """Split a ``|``-separated multi-valued cell."""
    return [part.strip() for part in value.split("|") if part.strip()]
