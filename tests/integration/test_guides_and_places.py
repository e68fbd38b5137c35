"""Every demo guide and place: short guides, honest trip badges, places listing what they handle."""

from __future__ import annotations

import re

import pytest

from places.models import PlaceKind, PlacePage
from services.models import ServiceItemPage
from tests.unit.services.sentences import repeated_sentences

pytestmark = pytest.mark.django_db

VILLAGE_NOTE = "可在本村（社区）便民服务站代为申请，转镇里办理"


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    return html.split(f'<section id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_no_demo_guide_says_a_sentence_twice(client):
    items = ServiceItemPage.objects.live().order_by("path")
    assert items.count() == 147
    repeats = {item.code: found for item in items if (found := repeated_sentences(get(client, item.url)))}
    assert repeats == {}


def test_the_dibao_guide_names_the_village_points_once(client):
    points = PlacePage.objects.live().filter(kind=PlaceKind.VILLAGE_POINT)
    assert points.count() == 12
    html = get(client, ServiceItemPage.objects.get(code="QH-MZ-001").url)
    where = section(html, "where")
    assert where.count('class="place-card"') == 1  # 5号窗口; the twelve points are one line
    assert "全镇12个村（社区）便民服务站均可代办" in where
    assert html.count(VILLAGE_NOTE) == 1
    assert not [point.title for point in points if point.title in html]
    assert '#village-points">' in where
    # 办事要点 before the table of contents: who, what to bring, where, whom to call.
    top = html.split('<nav class="toc"', 1)[0]
    for label in ("申请对象", "要带材料", "到哪里办", "咨询电话"):
        assert f"<dt>{label}</dt>" in top
    assert 'href="tel:051786810005"' in top


def test_village_items_say_where_residents_go_and_how_often(client):
    village_items = ServiceItemPage.objects.live().filter(level="村")
    assert village_items.count() == 20
    listing = get(client, "/services/level/村/")
    assert listing.count('class="badge badge--village">村里代办</span>') == 20
    assert listing.count('class="badge">跑村里1次</span>') == 20
    assert "全程网办" not in listing and "最多跑0次" not in listing
    for item in village_items:
        header = get(client, item.url).split('<nav class="toc"', 1)[0]
        assert "<strong>村里代办</strong>" in header and "<strong>跑村里1次</strong>" in header, item.code
        assert "全程网办" not in header and "最多跑" not in header, item.code


def test_town_items_keep_their_badges(client):
    directory = get(client, "/services/")
    online = ServiceItemPage.objects.live().filter(level="镇", online_mode="全程网办").count()
    assert directory.count('class="badge badge--online">全程网办</span>') == online == 90
    assert len(re.findall(r'class="badge">最多跑\d次</span>', directory)) == 127
    assert directory.count('class="badge">跑村里1次</span>') == 20


def test_every_item_is_on_the_pages_of_the_places_that_handle_it(client):
    for place in PlacePage.objects.live().order_by("path"):
        response = client.get(place.url)
        assert response.status_code == 200, place.code
        listed = {item.pk for item in response.context["items"]}
        for row in response.context["window_items"]:
            listed |= {item.pk for item in row.items}
        handled = set(ServiceItemPage.objects.live().filter(item_places__place=place).values_list("pk", flat=True))
        for window in place.windows():
            handled |= set(window.handled_items().values_list("pk", flat=True))
        assert listed == handled, place.code
        html = response.content.decode()
        missing = [item.title for item in ServiceItemPage.objects.filter(pk__in=handled) if item.title not in html]
        assert not missing, (place.code, missing)


def test_the_hall_lists_every_window_with_its_count(client):
    hall = PlacePage.objects.get(code="OF-H01")
    html = get(client, hall.url)
    assert "暂无事项" not in html and "在这里可以办的事（0项）" not in html
    windows = section(html, "windows")
    found = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>.*?可以办的事（(\d+)项）', windows, re.S)
    expected = [(window.title, str(window.handled_items().count())) for window in hall.windows()]
    assert len(expected) == 11
    assert found == expected
    total = ServiceItemPage.objects.live().filter(item_places__place__in=[hall, *hall.windows()]).distinct().count()
    assert f"共11个窗口，可以办理{total}个事项" in windows


def test_the_places_index_opens_at_the_village_points(client):
    html = get(client, "/places/")
    villages = html.split('<section id="village-points"', 1)[1].split("</section>", 1)[0]
    assert villages.count('class="place-card"') == 12
    assert "村（社区）便民服务站（12个）" in villages
