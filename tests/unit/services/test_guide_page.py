"""The guide page on the small town: honest trip badges, 办事要点, places grouped, no sentence twice."""

from __future__ import annotations

import re

import pytest

from places.models import PlaceKind
from services.models import GUIDE_SECTIONS, ItemPlace, ServiceItemPage
from services.models.item import Trips
from tests.unit.services.sentences import repeated_sentences, sentences
from tests.unit.towns import (
    HALL,
    HALL_PHONE,
    POINT_1,
    POINT_2,
    TOWN_ITEM,
    VILLAGE_ITEM,
    WINDOW,
    WINDOW_ITEM,
    _place,
    publish,
    url_path,
)

NOTE = "可在本村（社区）便民服务站代为申请，转镇里办理"


def html_of(client, town, page) -> str:
    response = town.get(client, page)
    assert response.status_code == 200
    return response.content.decode()


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span>', html)


def at_places(town, code: str, *places: tuple[str, str]) -> ServiceItemPage:
    """Publish the item ``code`` handled at ``places``: (place code, note) pairs, in order."""
    item = ServiceItemPage.objects.get(pk=town[code].pk)
    item.item_places = [ItemPlace(place=town[place], note=note) for place, note in places]
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk)


def more_points(town, *names: str) -> list:
    """Publish more village points in the town: OF-V03, OF-V04 …"""
    points = []
    for number, name in enumerate(names, start=3):
        place = _place(f"OF-V{number:02d}", name, PlaceKind.VILLAGE_POINT, f"0517-868200{number:02d}", f"v{number}")
        points.append(publish(town.sections["places"], place))
        town.pages[place.code] = place
    return points


# -- trips: one rule for badges, the guide header and its 网上办理 section ----------


def test_a_village_item_counts_the_trips_to_the_village_station(small_town):
    item = small_town[VILLAGE_ITEM]
    assert (item.level, item.max_trips) == ("村", 0)
    trips = item.trips()
    assert trips == Trips("村里代办", 1, at_village=True)
    assert str(trips) == "村里代办 · 跑村里1次"
    assert trips.badges == [("村里代办", "village"), ("跑村里1次", "")]
    assert trips.detail == "到村（社区）便民服务站 1 次"
    # The catalog records village items as 全程网办 (the staff submit them online): still one trip.
    item.online_mode = "全程网办"
    assert str(item.trips()) == "村里代办 · 跑村里1次"
    assert "网上提交" in item.trips().how
    item.max_trips = 2
    assert item.trips().label == "跑村里2次"


def test_an_item_handing_on_to_a_town_item_is_done_in_the_village(small_town):
    item = small_town[TOWN_ITEM]
    item.town_item = small_town[WINDOW_ITEM]  # refused on save, but the badge must not lie either
    assert item.by_village
    assert item.trips().at_village


def test_a_town_item_counts_its_own_trips(small_town):
    item = small_town[TOWN_ITEM]  # 网上预审, 1 trip
    assert item.trips() == Trips("网上预审", 1)
    assert str(item.trips()) == "最多跑1次"
    assert item.trips().how == "先在网上提交材料预审，再到现场办理"
    item.online_mode, item.max_trips = "全程网办", 0
    assert item.trips().badges == [("全程网办", "online"), ("最多跑0次", "")]
    assert str(item.trips()) == "全程网办 · 最多跑0次"
    assert item.trips().detail == "0 次"


def test_lists_and_the_guide_show_the_village_items_real_trips(client, small_town):
    item = ServiceItemPage.objects.get(pk=small_town[VILLAGE_ITEM].pk)
    item.online_mode = "全程网办"
    item.save_revision().publish()

    listing = html_of(client, small_town, "/services/level/村/")
    assert badges(listing) == ["村里代办", "跑村里1次"]
    directory = html_of(client, small_town, small_town.sections["services"])
    assert badges(directory) == ["最多跑1次", "最多跑0次", "村里代办", "跑村里1次"]

    guide = html_of(client, small_town, item)
    header = guide.split('<nav class="toc"', 1)[0]
    assert "<strong>村里代办</strong>" in header and "<strong>跑村里1次</strong>" in header
    for wrong in ("全程网办", "最多跑0次", "最多跑"):
        assert wrong not in header
    assert "到村（社区）便民服务站 1 次" in guide


def test_a_place_page_badges_its_items_by_the_same_rule(client, small_town):
    html = html_of(client, small_town, small_town[POINT_1])
    assert badges(html) == ["村里代办", "跑村里1次"]


# -- 办事要点 -----------------------------------------------------------------------------


def essentials(html: str) -> str:
    return html.split('<section class="essentials"', 1)[1].split("</section>", 1)[0]


def test_the_essentials_come_first_with_who_what_where_and_whom_to_call(client, small_town):
    item = small_town[TOWN_ITEM]
    html = html_of(client, small_town, item)
    assert html.index('class="essentials"') < html.index('class="toc"') < html.index('id="summary"')
    block = essentials(html)
    assert "<dt>申请对象</dt><dd>本镇户籍、家庭人均收入低于低保标准的居民</dd>" in block
    assert '<a href="#materials">必带1项，另有1项视情况提交</a>' in block
    assert f">{small_town[HALL].title}</a>" in block
    assert f'<a href="tel:{HALL_PHONE.replace("-", "")}">{HALL_PHONE}</a>' in block
    # Said once: the eligibility is no longer repeated in 事项简介.
    assert html.count("本镇户籍、家庭人均收入低于低保标准的居民") == 1


def test_materials_are_counted_as_residents_bring_them(small_town):
    assert small_town[TOWN_ITEM].materials_summary() == "必带1项，另有1项视情况提交"
    assert small_town[WINDOW_ITEM].materials_summary() == ""
    item = small_town[TOWN_ITEM]
    item.materials = [m for m in item.materials.all() if not m.required]
    assert item.materials_summary() == "1项视情况提交"


def test_a_village_only_guide_sends_residents_to_their_village_station(client, small_town):
    item = at_places(small_town, VILLAGE_ITEM, (POINT_1, NOTE), (POINT_2, NOTE))
    block = essentials(html_of(client, small_town, item))
    assert '<a href="#where">本村（社区）便民服务站</a>' in block


# -- where: village points on one line -------------------------------------------------


def test_a_few_village_points_keep_their_cards(client, small_town):
    places = small_town[VILLAGE_ITEM].guide_places()  # one of the town's two points
    assert places.villages is None
    assert [row.place.code for row in places.cards] == [POINT_1]
    assert [row.note for row in places.cards] == ["东村村民就近代办"]


def test_every_village_point_of_the_town_is_one_line(client, small_town):
    item = at_places(small_town, TOWN_ITEM, (HALL, ""), (POINT_1, NOTE), (POINT_2, NOTE))
    places = item.guide_places()
    assert [row.place.code for row in places.cards] == [HALL]
    assert places.villages.line == "全镇2个村（社区）便民服务站均可代办"
    assert places.villages.note == NOTE and places.villages.other_notes == []

    html = html_of(client, small_town, item)
    where = html.split('id="where"', 1)[1].split("</section>", 1)[0]
    assert where.count('class="place-card"') == 1  # the hall's card
    assert "<h3>全镇2个村（社区）便民服务站均可代办</h3>" in where
    assert where.count(NOTE) == 1
    assert small_town[POINT_1].title not in where and small_town[POINT_2].title not in where
    assert f'href="{url_path(small_town.sections["places"])}#village-points"' in where
    assert "也可以在村（社区）便民服务站代办" in essentials(html)
    assert repeated_sentences(html) == {}


def test_the_count_comes_from_the_towns_points_and_names_those_left_out(client, small_town):
    more_points(small_town, "南村便民服务站", "北村便民服务站")
    item = at_places(
        small_town, VILLAGE_ITEM, (POINT_1, NOTE), (POINT_2, NOTE), ("OF-V03", NOTE), ("OF-V04", "北村逢集日上午不办公")
    )
    villages = item.guide_places().villages
    assert villages.line == "全镇4个村（社区）便民服务站均可代办"
    assert [(row.place.code, row.note) for row in villages.other_notes] == [("OF-V04", "北村逢集日上午不办公")]
    html = html_of(client, small_town, item)
    assert "北村：北村逢集日上午不办公" in html
    assert html.count(NOTE) == 1

    item = at_places(small_town, VILLAGE_ITEM, (POINT_1, NOTE), (POINT_2, NOTE), ("OF-V03", NOTE))
    assert item.guide_places().villages.line == "全镇4个村（社区）便民服务站中，除北村外均可代办"
    assert '<a href="#where">村（社区）便民服务站（3个站可办）</a>' in essentials(html_of(client, small_town, item))


def test_the_town_count_stays_within_the_town(small_town, other_town):
    item = at_places(small_town, TOWN_ITEM, (HALL, ""), (POINT_1, NOTE), (POINT_2, NOTE))
    assert item.guide_places().villages.town_total == 2


def test_an_unpublished_place_is_left_out(small_town):
    small_town[POINT_2].unpublish()
    item = at_places(small_town, TOWN_ITEM, (HALL, ""), (POINT_2, NOTE))
    assert [row.place.code for row in item.guide_places().cards] == [HALL]


# -- the whole page ----------------------------------------------------------------------


def test_the_sections_keep_their_order_and_anchors(client, small_town):
    html = html_of(client, small_town, small_town[TOWN_ITEM])
    positions = [html.index(f'<section id="{anchor}"') for anchor, _label in GUIDE_SECTIONS]
    assert positions == sorted(positions)
    for anchor, label in GUIDE_SECTIONS:
        assert f'<a href="#{anchor}">{label}</a>' in html


@pytest.mark.parametrize("code", [TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM])
def test_no_sentence_is_said_twice_on_a_guide(client, small_town, code):
    html = html_of(client, small_town, small_town[code])
    assert len(sentences(html)) > 3
    assert repeated_sentences(html) == {}


def test_empty_sections_each_ask_in_their_own_words(client, small_town):
    html = html_of(client, small_town, small_town[WINDOW_ITEM])  # no conditions, materials, steps or result
    for what in ("申请条件", "申请材料", "办理流程", "办理结果"):
        assert f"{what}暂未公布，请拨打咨询电话" in html
    assert repeated_sentences(html) == {}


def test_the_check_finds_a_sentence_said_twice(client, small_town):
    html = html_of(client, small_town, small_town[TOWN_ITEM])
    doubled = html.replace("</article>", f"<p>{NOTE}。</p><ul><li>{NOTE}；</li></ul></article>", 1)
    assert repeated_sentences(doubled) == {NOTE: 2}
    # Names and numbers are not sentences: a link on its own, a phone, a document title.
    names = f'<p><a href="/">{small_town[WINDOW].title}{NOTE}</a></p><p>{HALL_PHONE}</p><p>《社会救助暂行办法》</p>'
    assert repeated_sentences(html.replace("</article>", names * 2 + "</article>", 1)) == {}
