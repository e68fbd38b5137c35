"""Places of the small town: what is handled there, whether they are open, and their pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from places.hours import SHANGHAI
from places.models import OpeningPeriod, PlacePage, SpecialDay
from services.models import ItemPlace, ServiceItemPage
from tests.unit.towns import (
    HALL,
    HALL_PHONE,
    POINT_1,
    POINT_2,
    TOWN_ITEM,
    VILLAGE_ITEM,
    WINDOW,
    WINDOW_ITEM,
    publish,
)

MONDAY = dt.date(2031, 6, 2)  # a Monday far from today, so no real holiday gets in the way
SATURDAY = MONDAY + dt.timedelta(days=5)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def codes(pages) -> list[str]:
    return [page.code for page in pages]


def test_handled_items_are_the_live_items_listing_the_place(small_town):
    assert codes(small_town[HALL].handled_items()) == [TOWN_ITEM]
    assert codes(small_town[WINDOW].handled_items()) == [WINDOW_ITEM]
    assert codes(small_town[POINT_1].handled_items()) == [VILLAGE_ITEM]
    assert codes(small_town[POINT_2].handled_items()) == []


def test_handled_items_follow_publishing_and_tree_order(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[WINDOW_ITEM].pk)
    item.item_places = [ItemPlace(place=small_town[HALL]), ItemPlace(place=small_town[WINDOW])]
    item.save_revision().publish()
    assert codes(small_town[HALL].handled_items()) == [TOWN_ITEM, WINDOW_ITEM]  # once each, in path order
    small_town[TOWN_ITEM].unpublish()
    assert codes(small_town[HALL].handled_items()) == [WINDOW_ITEM]


def test_handled_items_stay_within_the_place(small_town, other_town):
    assert codes(other_town[HALL].handled_items()) == [TOWN_ITEM]
    assert small_town[HALL].handled_items().get().pk == small_town[TOWN_ITEM].pk


def test_a_place_is_open_in_its_hours_on_a_working_day(small_town):
    hall = small_town[HALL]
    assert hall.status_at(at(MONDAY, 9)).is_open
    assert not hall.status_at(at(MONDAY, 12, 30)).is_open  # lunch break
    closed = hall.status_at(at(SATURDAY, 10))
    assert not closed.is_open
    assert closed.label == "现在不办公；下次办公：周一 8:30"


def test_a_holiday_closes_a_place_that_follows_public_holidays(small_town):
    SpecialDay.objects.create(date=MONDAY, name="端午节", closed=True)
    hall = PlacePage.objects.get(pk=small_town[HALL].pk)
    status = hall.status_at(at(MONDAY, 9))
    assert not status.is_open
    assert status.label == "今日休息（端午节）；下次办公：明天 8:30"
    hall.follows_public_holidays = False
    assert hall.status_at(at(MONDAY, 9)).is_open


def test_a_make_up_workday_opens_on_a_weekend(small_town):
    SpecialDay.objects.create(date=SATURDAY, name="国庆节调休上班", closed=False, follows_weekday=0)
    status = small_town[POINT_1].status_at(at(SATURDAY, 10))
    assert status.is_open
    assert status.label == "正在办公，今天 12:00 结束本时段"


def test_a_make_up_workday_names_its_weekday():
    day = SpecialDay(date=SATURDAY, name="调休上班", closed=False)
    with pytest.raises(ValidationError) as exc:
        day.clean()
    assert "follows_weekday" in exc.value.message_dict


def test_weekly_hours_and_phones_read_from_the_place(small_town):
    hall = small_town[HALL]
    assert hall.weekly_hours() == [("周一至周五", "8:30-12:00，13:30-17:30")]
    hall.extra_phones = "0517-86810009，13800000000"
    assert hall.phones() == [HALL_PHONE, "0517-86810009", "13800000000"]


def test_place_codes_follow_their_kind(small_town):
    hall = small_town[HALL]
    hall.full_clean()
    hall.code = "OF-V09"
    with pytest.raises(ValidationError) as exc:
        hall.full_clean()
    assert exc.value.message_dict["code"] == ["便民服务中心的编码应以 OF-H 开头"]


def test_an_opening_period_runs_forward():
    period = OpeningPeriod(first_day=4, last_day=0, opens=dt.time(17), closes=dt.time(9))
    with pytest.raises(ValidationError) as exc:
        period.clean()
    assert set(exc.value.message_dict) == {"last_day", "closes"}


def test_the_hall_page_shows_its_status_windows_and_items(client, small_town):
    response = small_town.get(client, small_town[HALL])
    assert response.status_code == 200
    context = response.context
    assert [w.code for w in context["windows"]] == [WINDOW]
    assert [(w.place.code, codes(w.items)) for w in context["window_items"]] == [(WINDOW, [WINDOW_ITEM])]
    assert codes(context["items"]) == [TOWN_ITEM]
    assert context["item_total"] == 2
    assert context["status"].label
    html = response.content.decode()
    assert "共1个窗口，可以办理2个事项" in html
    assert small_town[WINDOW].title in html
    assert "<summary>可以办的事（1项）</summary>" in html
    assert small_town[WINDOW_ITEM].title in html
    assert f"在{small_town[HALL].title}直接办理的事（1项）" in html
    assert small_town[TOWN_ITEM].title in html
    assert HALL_PHONE in html


def test_a_hall_whose_windows_handle_everything_does_not_say_it_handles_nothing(client, small_town):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.item_places = [ItemPlace(place=small_town[WINDOW])]
    item.save_revision().publish()
    response = small_town.get(client, small_town[HALL])
    html = response.content.decode()
    assert "暂无事项" not in html and "（0项）" not in html
    assert "<summary>可以办的事（2项）</summary>" in html
    assert "共1个窗口，可以办理2个事项" in html


def test_items_by_window_lists_each_item_once_per_window(small_town):
    second = publish(
        small_town[HALL],
        PlacePage(title="2号窗口", slug="window-2", code="OF-W02", kind="window", address="一楼", phone=HALL_PHONE),
    )
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.item_places = [
        ItemPlace(place=small_town[WINDOW]),
        ItemPlace(place=second),
        ItemPlace(place=small_town[WINDOW]),
    ]
    item.save_revision().publish()
    by_window = small_town[HALL].items_by_window()
    assert [(w.place.code, codes(w.items)) for w in by_window] == [
        (WINDOW, [TOWN_ITEM, WINDOW_ITEM]),
        ("OF-W02", [TOWN_ITEM]),
    ]
    small_town[WINDOW_ITEM].unpublish()
    assert codes(small_town[HALL].items_by_window()[0].items) == [TOWN_ITEM]


def test_every_item_is_listed_on_the_pages_of_its_places(client, small_town):
    hall_html = small_town.get(client, small_town[HALL]).content.decode()
    for item in ServiceItemPage.objects.live().filter(path__startswith=small_town.path):
        for place in item.places_in_order():
            response = small_town.get(client, place)
            assert item.pk in [i.pk for i in response.context["items"]], (item.code, place.code)
            assert item.title in response.content.decode()
            if place.get_parent().pk == small_town[HALL].pk:
                assert item.title in hall_html, (item.code, place.code)


def test_a_window_page_lists_its_items(client, small_town):
    response = small_town.get(client, small_town[WINDOW])
    assert response.status_code == 200
    assert response.context["window_items"] == []
    assert codes(response.context["items"]) == [WINDOW_ITEM]
    assert "在这里可以办的事（1项）" in response.content.decode()


def test_a_village_point_page_lists_its_items(client, small_town):
    response = small_town.get(client, small_town[POINT_1])
    assert response.status_code == 200
    assert list(response.context["windows"]) == []
    assert codes(response.context["items"]) == [VILLAGE_ITEM]
    assert small_town[VILLAGE_ITEM].title in response.content.decode()


def test_the_place_index_groups_places_by_kind_without_windows(client, small_town):
    response = small_town.get(client, small_town.sections["places"])
    assert response.status_code == 200
    groups = {group.label: codes(group.places) for group in response.context["groups"]}
    assert groups == {"便民服务中心": [HALL], "服务中心": [], "村（社区）便民服务站": [POINT_1, POINT_2]}
    html = response.content.decode()
    assert '<section id="village-points"' in html
    assert small_town[POINT_1].index_anchor == "village-points"


def test_village_points_are_counted_within_their_town(small_town, other_town):
    assert codes(small_town[HALL].village_points_in_town()) == [POINT_1, POINT_2]
    assert {p.pk for p in other_town[HALL].village_points_in_town()} == {other_town[POINT_1].pk, other_town[POINT_2].pk}
    assert small_town[POINT_1].is_village_point and not small_town[HALL].is_village_point
    assert small_town[POINT_1].short_title == "东村"
