"""Opening hours as Chinese offices write them, and "open now" in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from places.hours import Period, SpecialDayRule, open_status, parse_hours, weekly_lines

SH = ZoneInfo("Asia/Shanghai")
HALL = "周一至周五 8:30-12:00, 13:30-17:30；周六 9:00-12:00 延时服务（社保、医保、户籍、帮办代办窗口）"


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def test_parse_the_hall_timetable():
    parsed = parse_hours(HALL)
    assert parsed.periods == [
        Period(0, 4, dt.time(8, 30), dt.time(12, 0)),
        Period(0, 4, dt.time(13, 30), dt.time(17, 30)),
        Period(5, 5, dt.time(9, 0), dt.time(12, 0)),
    ]
    assert parsed.notes == ["周六：延时服务（社保、医保、户籍、帮办代办窗口）"]
    assert weekly_lines(parsed.periods) == [("周一至周五", "8:30-12:00，13:30-17:30"), ("周六", "9:00-12:00")]


@pytest.mark.parametrize(
    "text, periods, notes",
    [
        ("周二至周日 9:00-17:00（周一闭馆）", [Period(1, 6, dt.time(9), dt.time(17))], ["周二至周日：（周一闭馆）"]),
        (
            "周一至周五 8:30-12:00, 13:30-17:30；婚姻登记法定节假日不办理，特殊日期延时须提前预约",
            [Period(0, 4, dt.time(8, 30), dt.time(12)), Period(0, 4, dt.time(13, 30), dt.time(17, 30))],
            ["婚姻登记法定节假日不办理，特殊日期延时须提前预约"],
        ),
        ("周六上午 9:00-11:30 值班", [Period(5, 5, dt.time(9), dt.time(11, 30))], ["周六上午：值班"]),
    ],
)
def test_parse_variants(text, periods, notes):
    parsed = parse_hours(text)
    assert parsed.periods == periods
    assert parsed.notes == notes


@pytest.mark.parametrize("text", ["周一 12:00-8:00", "周一 25:00-26:00", "周五至周一 8:00-9:00"])
def test_impossible_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_hours(text)


PERIODS = parse_hours(HALL).periods


@pytest.mark.parametrize(
    "when, is_open, label",
    [
        (at(2026, 11, 23, 9), True, "正在办公，今天 12:00 结束本时段"),  # Monday morning
        (at(2026, 11, 23, 12, 30), False, "现在不办公；下次办公：今天 13:30"),  # lunch break
        (at(2026, 11, 23, 17, 30), False, "现在不办公；下次办公：明天 8:30"),  # closing time itself
        (at(2026, 11, 28, 10), True, "正在办公，今天 12:00 结束本时段"),  # Saturday extended hours
        (at(2026, 11, 28, 14), False, "现在不办公；下次办公：周一 8:30"),  # Saturday afternoon
        (at(2026, 11, 22, 10), False, "现在不办公；下次办公：明天 8:30"),  # Sunday
    ],
)
def test_open_status(when, is_open, label):
    status = open_status(PERIODS, when)
    assert (status.is_open, status.label) == (is_open, label)


def test_open_status_converts_utc_to_shanghai_time():
    # 01:00 UTC on a Monday is 09:00 in Shanghai.
    status = open_status(PERIODS, dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC))
    assert status.is_open


def test_public_holiday_closes_and_make_up_workday_opens():
    national_day = SpecialDayRule(dt.date(2026, 10, 1), "国庆节", closed=True)
    make_up = SpecialDayRule(dt.date(2026, 10, 11), "国庆节调休上班", closed=False, follows_weekday=0)
    holiday = open_status(PERIODS, at(2026, 10, 1, 9), [national_day, make_up])
    assert not holiday.is_open
    assert holiday.label.startswith("今日休息（国庆节）")
    # 2026-10-11 is a Sunday worked as a Monday.
    assert open_status(PERIODS, at(2026, 10, 11, 9), [national_day, make_up]).is_open
    assert not open_status(PERIODS, at(2026, 10, 11, 9)).is_open


def test_no_timetable_means_ask_by_phone():
    assert open_status([], at(2026, 11, 23, 9)).label == "办公时间请电话咨询"
