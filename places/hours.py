"""Opening hours: parsing the way Chinese offices write them, and "open now".

No library covers this: python-dateutil and the OSM ``opening_hours`` grammar
neither read 周一至周五 8:30-12:00 nor know the Chinese make-up workdays (调休).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
_DAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
SHANGHAI = ZoneInfo("Asia/Shanghai")

_DAYS_RE = re.compile(r"^(周([一二三四五六日天])(?:\s*(?:至|到|-|—|~)\s*周?([一二三四五六日天]))?)(上午|下午)?")
_RANGE_RE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-—~至]\s*(\d{1,2})[:：](\d{2})")


@dataclass(frozen=True)
class Period:
    """Open from ``opens`` to ``closes`` on each day from ``first_day`` to ``last_day``."""

    first_day: int
    last_day: int
    opens: dt.time
    closes: dt.time

    def covers(self, weekday: int) -> bool:
        return self.first_day <= weekday <= self.last_day


@dataclass
class ParsedHours:
    periods: list[Period] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_hours(text: str) -> ParsedHours:
    """Parse e.g. ``周一至周五 8:30-12:00, 13:30-17:30；周六 9:00-12:00 延时服务``.

    Segments are separated by ；or ;. Each segment starts with a day or day
    range and lists time ranges; whatever words follow become a note. A segment
    without a day range is kept as a note. Raises ValueError on a time range
    that makes no sense (closing before opening, hour 25).
    """
    result = ParsedHours()
    for raw in re.split(r"[；;]", text or ""):
        segment = raw.strip()
        if not segment:
            continue
        day_match = _DAYS_RE.match(segment)
        ranges = list(_RANGE_RE.finditer(segment))
        if not day_match or not ranges:
            result.notes.append(segment)
            continue
        first = _DAY_INDEX[day_match.group(2)]
        last = _DAY_INDEX[day_match.group(3)] if day_match.group(3) else first
        if last < first:
            raise ValueError(f"“{segment}”中的星期范围倒置")
        for rng in ranges:
            opens = _time(rng.group(1), rng.group(2), segment)
            closes = _time(rng.group(3), rng.group(4), segment)
            if closes <= opens:
                raise ValueError(f"“{segment}”中 {rng.group(0)} 的结束时间早于开始时间")
            result.periods.append(Period(first, last, opens, closes))
        between = _RANGE_RE.sub("", segment[day_match.end() : ranges[-1].end()]).strip(" ,，、")
        rest = segment[ranges[-1].end() :].strip(" ,，、")
        note = "；".join(part for part in (between, rest) if part)
        if note:
            result.notes.append(f"{day_match.group(0)}：{note}")
    return result


def _time(hour: str, minute: str, segment: str) -> dt.time:
    try:
        return dt.time(int(hour), int(minute))
    except ValueError as exc:
        raise ValueError(f"“{segment}”中的时间 {hour}:{minute} 不存在") from exc


def day_label(first: int, last: int) -> str:
    if first == last:
        return WEEKDAY_NAMES[first]
    return f"{WEEKDAY_NAMES[first]}至{WEEKDAY_NAMES[last]}"


def format_time(value: dt.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def weekly_lines(periods: Iterable[Period]) -> list[tuple[str, str]]:
    """Group periods by their day range: [('周一至周五', '8:30-12:00，13:30-17:30'), …]."""
    grouped: dict[tuple[int, int], list[Period]] = {}
    for period in sorted(periods, key=lambda p: (p.first_day, p.last_day, p.opens)):
        grouped.setdefault((period.first_day, period.last_day), []).append(period)
    return [
        (day_label(*days), "，".join(f"{format_time(p.opens)}-{format_time(p.closes)}" for p in items))
        for days, items in grouped.items()
    ]


@dataclass(frozen=True)
class SpecialDayRule:
    """A dated exception: closed for a holiday, or a make-up workday following another weekday."""

    date: dt.date
    name: str
    closed: bool
    follows_weekday: int | None = None


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    label: str


def _schedule_weekday(day: dt.date, specials: dict[dt.date, SpecialDayRule]) -> tuple[int | None, str]:
    """Which weekday's hours apply on ``day``, or None when closed for a special day."""
    rule = specials.get(day)
    if rule is None:
        return day.weekday(), ""
    if rule.closed:
        return None, rule.name
    weekday = rule.follows_weekday if rule.follows_weekday is not None else 0
    return weekday, rule.name


def open_status(
    periods: Sequence[Period],
    now: dt.datetime,
    specials: Iterable[SpecialDayRule] = (),
) -> OpenStatus:
    """Whether the place is open at ``now`` (converted to Asia/Shanghai), in plain words."""
    if not periods:
        return OpenStatus(False, "办公时间请电话咨询")
    local = now.astimezone(SHANGHAI) if now.tzinfo else now.replace(tzinfo=SHANGHAI)
    rules = {rule.date: rule for rule in specials}
    today = local.date()
    weekday, special_name = _schedule_weekday(today, rules)
    if weekday is None:
        return OpenStatus(False, f"今日休息（{special_name}）；{_next_opening(periods, local, rules)}")
    todays = sorted((p for p in periods if p.covers(weekday)), key=lambda p: p.opens)
    clock = local.time()
    for period in todays:
        if period.opens <= clock < period.closes:
            return OpenStatus(True, f"正在办公，今天 {format_time(period.closes)} 结束本时段")
    return OpenStatus(False, f"现在不办公；{_next_opening(periods, local, rules)}")


def _next_opening(periods: Sequence[Period], local: dt.datetime, rules: dict) -> str:
    for offset in range(0, 15):
        day = local.date() + dt.timedelta(days=offset)
        weekday, _ = _schedule_weekday(day, rules)
        if weekday is None:
            continue
        starts = sorted(p.opens for p in periods if p.covers(weekday))
        if offset == 0:
            starts = [t for t in starts if t > local.time()]
        if starts:
            when = "今天" if offset == 0 else "明天" if offset == 1 else WEEKDAY_NAMES[day.weekday()]
            if offset > 6:
                when = f"{day.month}月{day.day}日"
            return f"下次办公：{when} {format_time(starts[0])}"
    return "近期无办公安排，请电话咨询"
