"""The demo 节假日安排 (content/holidays.yaml): what it holds, how the catalog loads it, and "open now" on it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from pydantic import ValidationError
from wagtail.models import Site

from catalog.loader import CatalogLoader
from catalog.problems import CatalogError
from catalog.schema import HolidaysIn
from places.hours import SHANGHAI
from places.models import PlacePage, SpecialDay
from tests.unit.towns import HALL

HOLIDAYS = settings.CONTENT_DIR / "holidays.yaml"
STATUTORY_2027 = {"元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3}


def calendar() -> HolidaysIn:
    return HolidaysIn.model_validate(yaml.safe_load(HOLIDAYS.read_text(encoding="utf-8")))


def year(number: int):
    return next(y for y in calendar().years if y.year == number)


def load(content_dir=settings.CONTENT_DIR) -> CatalogLoader:
    """Run only the holiday step of the catalog loader."""
    loader = CatalogLoader(Site.objects.get(is_default_site=True), SimpleNamespace(content_dir=content_dir))
    loader._holidays()
    return loader


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def test_2026_is_the_state_council_notice():
    y2026 = year(2026)
    assert y2026.complete
    assert y2026.source.startswith("国务院办公厅关于2026年部分节假日安排的通知")
    off = {f.name: (f.first, f.last) for f in y2026.festivals}
    assert off == {
        "元旦": (dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
        "春节": (dt.date(2026, 2, 15), dt.date(2026, 2, 23)),
        "清明节": (dt.date(2026, 4, 4), dt.date(2026, 4, 6)),
        "劳动节": (dt.date(2026, 5, 1), dt.date(2026, 5, 5)),
        "端午节": (dt.date(2026, 6, 19), dt.date(2026, 6, 21)),
        "中秋节": (dt.date(2026, 9, 25), dt.date(2026, 9, 27)),
        "国庆节": (dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
    }
    workdays = sorted(day for f in y2026.festivals for day in f.workdays)
    assert workdays == [
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    ]
    assert sum(len(f.days_off()) for f in y2026.festivals) == 33


def test_2027_holds_only_the_statutory_days_until_the_notice_is_entered():
    y2027 = year(2027)
    assert not y2027.complete
    assert "全国年节及纪念日放假办法" in y2027.source
    assert "国务院办公厅关于2027年部分节假日安排的通知" in y2027.note
    assert {f.name: len(f.days_off()) for f in y2027.festivals} == STATUTORY_2027
    assert all(not f.workdays for f in y2027.festivals)
    spring = next(f for f in y2027.festivals if f.name == "春节")
    assert (spring.first, spring.last) == (dt.date(2027, 2, 5), dt.date(2027, 2, 8))  # 除夕 to 初三
    labour = next(f for f in y2027.festivals if f.name == "劳动节")
    national = next(f for f in y2027.festivals if f.name == "国庆节")
    assert (labour.first, labour.last) == (dt.date(2027, 5, 1), dt.date(2027, 5, 2))
    assert (national.first, national.last) == (dt.date(2027, 10, 1), dt.date(2027, 10, 3))


def test_the_schema_refuses_what_a_notice_never_says():
    def festival(**values):
        return {"year": 2026, "source": "x", "festivals": [{"name": "国庆节", "first": "2026-10-01", **values}]}

    with pytest.raises(ValidationError, match="last 早于 first"):
        HolidaysIn.model_validate({"years": [festival(last="2026-09-30")]})
    with pytest.raises(ValidationError, match="不是周六或周日"):
        HolidaysIn.model_validate({"years": [festival(last="2026-10-07", workdays=["2026-10-09"])]})
    with pytest.raises(ValidationError, match="在放假期间内"):
        HolidaysIn.model_validate({"years": [festival(last="2026-10-07", workdays=["2026-10-03"])]})
    with pytest.raises(ValidationError, match="不应有调休上班日"):
        HolidaysIn.model_validate(
            {"years": [{**festival(last="2026-10-07", workdays=["2026-10-10"]), "complete": False}]}
        )
    twice = festival(last="2026-10-07")
    with pytest.raises(ValidationError, match="不止一次"):
        HolidaysIn.model_validate({"years": [twice, twice]})


def test_the_loader_writes_one_row_a_day_and_a_second_load_writes_nothing(small_town):
    first = load()
    assert first.report.counts["holidays"]["created"] == 33 + 6 + sum(STATUTORY_2027.values())
    names = Counter(SpecialDay.objects.filter(date__year=2026, closed=True).values_list("name", flat=True))
    assert names["国庆节"] == 7 and names["春节"] == 9
    make_up = SpecialDay.objects.get(date=dt.date(2026, 10, 10))
    assert (make_up.name, make_up.closed, make_up.follows_weekday) == ("国庆节调休上班", False, 4)
    assert SpecialDay.objects.get(date=dt.date(2026, 9, 20)).follows_weekday == 0  # a Sunday: Monday's hours
    again = load()
    assert again.report.changed == 0


def test_the_file_decides_its_own_dates_and_leaves_local_closures_alone(small_town):
    load()
    SpecialDay.objects.filter(date=dt.date(2026, 10, 10)).update(closed=True, name="改错了")
    SpecialDay.objects.create(date=dt.date(2026, 12, 24), name="镇中心设备检修", closed=True)
    load()
    assert SpecialDay.objects.get(date=dt.date(2026, 10, 10)).name == "国庆节调休上班"
    assert SpecialDay.objects.get(date=dt.date(2026, 12, 24)).name == "镇中心设备检修"


def test_a_broken_file_is_reported_with_its_name(small_town, tmp_path):
    broken = {"years": [{"year": 2026, "source": "x", "festivals": [{"name": "元旦", "first": "2026-01-03"}]}]}
    (tmp_path / "holidays.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"holidays\.yaml: years\[0\]\.festivals\[0\]\.last"):
        load(tmp_path)


def test_the_hall_is_closed_on_national_day_and_open_on_a_make_up_saturday(small_town):
    load()
    hall = PlacePage.objects.get(pk=small_town[HALL].pk)  # weekdays only, 8:30-12:00 and 13:30-17:30
    national_day = hall.status_at(at(dt.date(2026, 10, 1), 10))
    assert not national_day.is_open
    assert national_day.label.startswith("今日休息（国庆节）")
    assert "10月8日 8:30" in national_day.label  # next opening after the week off
    make_up_saturday = hall.status_at(at(dt.date(2026, 10, 10), 10))
    assert make_up_saturday.is_open
    assert make_up_saturday.label == "正在办公，今天 12:00 结束本时段"
    assert not hall.status_at(at(dt.date(2026, 10, 17), 10)).is_open  # an ordinary Saturday
    assert hall.status_at(at(dt.date(2026, 2, 14), 10)).is_open  # 春节调休上班
