"""Read and validate every catalog and content file before anything is written."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from places.hours import ParsedHours, parse_hours
from services.values import PHONE_RE, Audience, ItemType, Level, OnlineMode

from .problems import ProblemList
from .schema import GuideIn, NoticesIn, SynonymsIn, TaxonomiesIn, TownIn, format_error_location
from .tables import Row, read_table, split_multi

ITEM_COLUMNS = [
    "code",
    "name",
    "category",
    "department",
    "item_type",
    "level",
    "online",
    "max_trips",
    "life_events",
    "audience",
    "keywords",
]
CERTIFICATE_COLUMNS = ["code", "list", "name", "basis", "alternative", "notes"]
OFFICE_COLUMNS = ["code", "kind", "name", "parent", "address", "phone", "hours", "departments_served"]

ITEM_CODE_RE = re.compile(r"^[A-Z]{2,6}-[A-Z]{2,4}-\d{3}$")
ITEM_CODE_IN_TEXT_RE = re.compile(r"(?<![A-Z0-9-])[A-Z]{2,6}-[A-Z]{2,4}-\d{3}(?!\d)")
CERT_CODE_RE = re.compile(r"^ZM-([NY])-\d{2}$")
OFFICE_CODE_RE = re.compile(r"^OF-([HWCV])\d{2}$")
OFFICE_KINDS = {"hall": "H", "window": "W", "centre": "C", "village_point": "V"}
CERT_LISTS = {"不应出具": "N", "可以出具": "Y"}


@dataclass(frozen=True)
class ItemRecord:
    line: int
    code: str
    name: str
    category: str
    department: str
    item_type: str
    level: str
    online: str
    max_trips: int
    life_events: tuple[str, ...]
    audience: str
    keywords: tuple[str, ...]
    guide: GuideIn | None = None


@dataclass(frozen=True)
class CertificateRecord:
    line: int
    code: str
    list_name: str
    name: str
    basis: str
    alternative: str
    notes: str
    item_codes: tuple[str, ...]


@dataclass(frozen=True)
class OfficeRecord:
    line: int
    code: str
    kind: str
    name: str
    parent: str
    address: str
    phone: str
    hours: ParsedHours
    departments: tuple[str, ...]


@dataclass
class Catalog:
    items: list[ItemRecord]
    certificates: list[CertificateRecord]
    offices: list[OfficeRecord]
    town: TownIn
    taxonomies: TaxonomiesIn
    notices: NoticesIn
    content_dir: Path
    synonyms: SynonymsIn = field(default_factory=lambda: SynonymsIn(synonyms=[]))
    warnings: list[str] = field(default_factory=list)

    def office(self, code: str) -> OfficeRecord:
        return next(o for o in self.offices if o.code == code)

    def item(self, code: str) -> ItemRecord:
        return next(i for i in self.items if i.code == code)


def read_catalog(
    catalog_dir: Path,
    content_dir: Path,
    known_categories: Iterable[str] = (),
    known_life_events: Iterable[str] = (),
) -> Catalog:
    """Parse and cross-check everything; raise CatalogError listing every problem."""
    problems = ProblemList()
    town = _read_yaml_model(content_dir / "town.yaml", TownIn, problems)
    taxonomies = _read_yaml_model(content_dir / "taxonomies.yaml", TaxonomiesIn, problems)
    notices_path = content_dir / "notices.yaml"
    notices = _read_yaml_model(notices_path, NoticesIn, problems) if notices_path.exists() else NoticesIn(notices=[])
    synonyms_path = content_dir / "synonyms.yaml"
    synonyms = (
        _read_yaml_model(synonyms_path, SynonymsIn, problems) if synonyms_path.exists() else SynonymsIn(synonyms=[])
    )
    categories = set(known_categories) | ({c.name for c in taxonomies.categories} if taxonomies else set())
    life_events = set(known_life_events) | ({e.name for e in taxonomies.life_events} if taxonomies else set())

    offices = _read_offices(catalog_dir / "offices.csv", problems)
    served = {dept for office in offices for dept in office.departments}
    items, listed_items = _read_items(catalog_dir / "service-items.csv", categories, life_events, served, problems)
    # Cross-checks use every code the file lists, valid row or not, so that a
    # bad row is reported once rather than again by everything that refers to it.
    certificates = _read_certificates(catalog_dir / "certificates.csv", listed_items, problems)
    if taxonomies:
        check_unique([(c.name, 0) for c in taxonomies.categories], "taxonomies.yaml", "分类名称", problems)
        check_unique([(c.slug, 0) for c in taxonomies.categories], "taxonomies.yaml", "分类网址标识", problems)
        check_unique([(e.slug, 0) for e in taxonomies.life_events], "taxonomies.yaml", "人生事件网址标识", problems)
    if notices:
        check_unique([(n.slug, 0) for n in notices.notices], "notices.yaml", "通知网址标识", problems)
    office_codes = {o.code for o in offices}
    if town and offices and town.hall not in office_codes:
        problems.add("town.yaml", None, f"hall: {town.hall} 不在 offices.csv 中")

    guides = _read_guides(
        content_dir / "guides", items, listed_items, office_codes, {c.code for c in certificates}, problems
    )
    problems.raise_if_any()
    items = [ItemRecord(**{**item.__dict__, "guide": guides.get(item.code)}) for item in items]
    return Catalog(items, certificates, offices, town, taxonomies, notices, content_dir, synonyms=synonyms)


def _read_yaml(path: Path, problems: ProblemList) -> object | None:
    if not path.is_file():
        problems.add(path, None, "文件不存在")
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"不是 UTF-8 编码（第 {exc.start + 1} 字节无法解码），请用 UTF-8 另存")
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.add(path, line, f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}")
        return None


def _read_yaml_model(path: Path, model: type[BaseModel], problems: ProblemList):
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.add(path, None, f"{format_error_location(err['loc'])}: {_message(err)}")
        return None


def _message(err: dict) -> str:
    message = err.get("msg", "")
    return message.removeprefix("Value error, ")


def check_unique(values: list[tuple[str, int]], file: str, label: str, problems: ProblemList) -> None:
    seen: dict[str, int] = {}
    for value, line in values:
        if value in seen:
            first = f"（第 {seen[value]} 行已有）" if seen[value] else ""
            problems.add(file, line or None, f"{label}重复：{value}{first}")
        else:
            seen[value] = line


def _read_items(path, categories, life_events, served, problems) -> tuple[list[ItemRecord], set[str]]:
    """Valid item records, and every code the file lists (valid rows or not)."""
    rows = read_table(path, ITEM_COLUMNS, problems)
    items: list[ItemRecord] = []
    for row in rows:
        item = item_from_row(row, path, categories, life_events, served, problems)
        if item is not None:
            items.append(item)
    check_unique([(r["code"], r.line) for r in rows if r["code"]], path.name, "编码", problems)
    check_unique([(r["name"], r.line) for r in rows if r["name"]], path.name, "事项名称", problems)
    return items, {r["code"] for r in rows if r["code"]}


UNSERVED = "没有出现在 offices.csv 任何地点的 departments_served 中"


def item_from_row(
    row: Row, path, categories, life_events, served, problems, unserved: str = UNSERVED
) -> ItemRecord | None:
    """One service-items row as a record, or None after adding its problems.

    ``path`` names the file (or sheet); ``served`` are the departments an item
    may name, and ``unserved`` says where they come from when one is not.
    """
    bad = len(problems)

    def fail(reason: str) -> None:
        problems.add(path, row.line, reason)

    code = row["code"]
    if not ITEM_CODE_RE.match(code):
        fail(f"编码 {code!r} 格式不对，应形如 QH-MZ-001（大写字母-大写字母-三位数字）")
    if not row["name"]:
        fail("缺少事项名称 name")
    if row["category"] not in categories:
        fail(f"未知的服务分类 {row['category']!r}（可用：{'、'.join(sorted(categories))}）")
    if not row["department"]:
        fail("缺少责任单位 department")
    elif row["department"] not in served:
        fail(f"责任单位 {row['department']!r} {unserved}")
    if row["item_type"] not in ItemType.values:
        fail(f"未知的事项类型 {row['item_type']!r}（可用：{'、'.join(ItemType.values)}）")
    if row["level"] not in Level.values:
        fail(f"办理层级 {row['level']!r} 应为“镇”或“村”")
    if row["online"] not in OnlineMode.values:
        fail(f"网办方式 {row['online']!r} 应为 {'、'.join(OnlineMode.values)} 之一")
    try:
        max_trips = int(row["max_trips"])
        if not 0 <= max_trips <= 9:
            raise ValueError
    except ValueError:
        fail(f"最多跑几次 {row['max_trips']!r} 应为 0 到 9 的整数")
        max_trips = -1
    if row["online"] == OnlineMode.FULLY_ONLINE and max_trips > 0:
        fail("全程网办的事项最多跑次数应为 0")
    events = tuple(split_multi(row["life_events"]))
    unknown_events = [e for e in events if e not in life_events]
    if unknown_events:
        fail(f"未知的人生事件：{'、'.join(unknown_events)}")
    if row["audience"] not in Audience.values:
        fail(f"服务对象 {row['audience']!r} 应为 个人、法人 或 个人|法人")
    if len(problems) > bad:
        return None
    return ItemRecord(
        line=row.line,
        code=code,
        name=row["name"],
        category=row["category"],
        department=row["department"],
        item_type=row["item_type"],
        level=row["level"],
        online=row["online"],
        max_trips=max_trips,
        life_events=events,
        audience=row["audience"],
        keywords=tuple(split_multi(row["keywords"])),
    )


def _read_certificates(path, item_codes, problems) -> list[CertificateRecord]:
    rows = read_table(path, CERTIFICATE_COLUMNS, problems)
    out: list[CertificateRecord] = []
    for row in rows:
        bad = len(problems)
        match = CERT_CODE_RE.match(row["code"])
        if not match:
            problems.add(path, row.line, f"编码 {row['code']!r} 格式不对，应形如 ZM-N-01 或 ZM-Y-01")
        if row["list"] not in CERT_LISTS:
            problems.add(path, row.line, f"清单 {row['list']!r} 应为“不应出具”或“可以出具”")
        elif match and CERT_LISTS[row["list"]] != match.group(1):
            problems.add(path, row.line, f"编码 {row['code']} 与清单“{row['list']}”不一致")
        for column, label in (("name", "证明名称"), ("basis", "依据"), ("alternative", "替代办法或程序")):
            if not row[column]:
                problems.add(path, row.line, f"缺少{label} {column}")
        mentioned = tuple(dict.fromkeys(ITEM_CODE_IN_TEXT_RE.findall(row["notes"])))
        unknown = [c for c in mentioned if c not in item_codes]
        if unknown and item_codes:
            problems.add(path, row.line, f"备注提到的事项编码不在 service-items.csv 中：{'、'.join(unknown)}")
        if len(problems) == bad:
            out.append(
                CertificateRecord(
                    row.line,
                    row["code"],
                    row["list"],
                    row["name"],
                    row["basis"],
                    row["alternative"],
                    row["notes"],
                    mentioned,
                )
            )
    check_unique([(r["code"], r.line) for r in rows if r["code"]], path.name, "编码", problems)
    return out


def _read_offices(path, problems) -> list[OfficeRecord]:
    rows = read_table(path, OFFICE_COLUMNS, problems)
    out: list[OfficeRecord] = []
    for row in rows:
        bad = len(problems)
        match = OFFICE_CODE_RE.match(row["code"])
        if not match:
            problems.add(path, row.line, f"编码 {row['code']!r} 格式不对，应形如 OF-H01、OF-W05、OF-V12")
        if row["kind"] not in OFFICE_KINDS:
            problems.add(path, row.line, f"类型 {row['kind']!r} 应为 {'、'.join(OFFICE_KINDS)} 之一")
        elif match and OFFICE_KINDS[row["kind"]] != match.group(1):
            problems.add(path, row.line, f"编码 {row['code']} 与类型 {row['kind']} 不一致")
        for column, label in (("name", "名称"), ("address", "地址"), ("phone", "电话")):
            if not row[column]:
                problems.add(path, row.line, f"缺少{label} {column}")
        if row["phone"] and not PHONE_RE.match(row["phone"]):
            problems.add(path, row.line, f"电话 {row['phone']!r} 格式不对，应为“区号-号码”")
        try:
            hours = parse_hours(row["hours"])
            if not hours.periods:
                problems.add(
                    path, row.line, f"办公时间 {row['hours']!r} 中没有可识别的时段（如“周一至周五 8:30-12:00”）"
                )
        except ValueError as exc:
            problems.add(path, row.line, f"办公时间有误：{exc}")
            hours = ParsedHours()
        if len(problems) == bad:
            out.append(
                OfficeRecord(
                    row.line,
                    row["code"],
                    row["kind"],
                    row["name"],
                    row["parent"],
                    row["address"],
                    row["phone"],
                    hours,
                    tuple(split_multi(row["departments_served"])),
                )
            )
    check_unique([(r["code"], r.line) for r in rows if r["code"]], path.name, "编码", problems)
    names = {o.name for o in out}
    for office in out:
        if office.kind == "window" and office.parent not in names:
            problems.add(path, office.line, f"窗口的上级 {office.parent!r} 不是 offices.csv 中的地点名称")
    return out


def expand_place_codes(pattern: str, office_codes: Iterable[str]) -> list[str]:
    """'OF-W05' -> ['OF-W05']; 'OF-V*' -> every village point, in code order."""
    return sorted(code for code in office_codes if fnmatch.fnmatchcase(code, pattern))


def _read_guides(guide_dir: Path, items, listed_items, office_codes, cert_codes, problems) -> dict[str, GuideIn]:
    if not guide_dir.is_dir():
        return {}
    refs = GuideRefs(
        {i.code: i.level for i in items},
        set(listed_items) - {i.code for i in items},
        list(office_codes),
        set(cert_codes),
    )
    guides: dict[str, GuideIn] = {}
    for path in sorted(guide_dir.glob("*.yaml")):
        guide = _read_yaml_model(path, GuideIn, problems)
        if guide is None:
            continue
        if path.stem != guide.code:
            problems.add(path, None, f"文件名应与编码一致：{guide.code}.yaml")
            continue
        level = refs.levels.get(guide.code)
        if level is None:
            if guide.code not in refs.invalid_rows:
                problems.add(path, None, f"编码 {guide.code} 不在 service-items.csv 中")
            continue
        messages = [FILE_REF_MESSAGES[p.rule].format(code=p.code) for p in refs.problems(guide, level)]
        for message in [*messages, *_missing_files(guide, guide_dir.parent)]:
            problems.add(path, None, message)
        guides[guide.code] = guide
    return guides


# How a guide file reports each broken reference (see GuideRefs).
FILE_REF_MESSAGES = {
    "unknown_place": "places: {code} 不在 offices.csv 中",
    "unknown_certificate": "related_certificates: {code} 不在 certificates.csv 中",
    "not_other_item": "related_items: {code} 不是另一个已有事项",
    "town_item_not_village": "town_item 只用于村级代办事项",
    "town_item_not_town": "town_item: {code} 不是已有的镇级事项",
}


@dataclass(frozen=True)
class RefProblem:
    """A guide's reference that points nowhere: which key, which entry of a list, which code, which rule."""

    key: str
    index: int | None
    code: str
    rule: str


@dataclass
class GuideRefs:
    """What a guide may refer to: items (by level; rows already reported as invalid aside), offices and certificates.

    Guide files and spreadsheet imports both check references here; each words
    the problems for its own readers.
    """

    levels: dict[str, str]
    invalid_rows: set[str]
    office_codes: list[str]
    cert_codes: set[str]

    def problems(self, guide: GuideIn, level: str) -> Iterator[RefProblem]:
        for i, ref in enumerate(guide.place_refs()):
            if not expand_place_codes(ref.code, self.office_codes):
                yield RefProblem("places", i, ref.code, "unknown_place")
        for i, code in enumerate(guide.related_certificates):
            if code not in self.cert_codes:
                yield RefProblem("related_certificates", i, code, "unknown_certificate")
        for i, code in enumerate(guide.related_items):
            if code not in self.invalid_rows and (code not in self.levels or code == guide.code):
                yield RefProblem("related_items", i, code, "not_other_item")
        yield from self._town_item_problems(guide, level)

    def _town_item_problems(self, guide: GuideIn, level: str) -> Iterator[RefProblem]:
        if guide.town_item is None:
            return
        target = self.levels.get(guide.town_item)
        if level != Level.VILLAGE:
            yield RefProblem("town_item", None, guide.town_item, "town_item_not_village")
        elif guide.town_item not in self.invalid_rows and target != Level.TOWN:
            yield RefProblem("town_item", None, guide.town_item, "town_item_not_town")


def _missing_files(guide: GuideIn, content_dir: Path) -> Iterator[str]:
    for i, material in enumerate(guide.materials):
        for attr in ("blank_form", "sample"):
            ref = getattr(material, attr)
            if ref and not (content_dir / ref).is_file():
                yield f"materials[{i}].{attr}: 文件 {ref} 不存在（相对于内容目录）"
