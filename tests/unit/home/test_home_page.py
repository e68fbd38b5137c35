"""The home page finds its sections by key and shows what each offers."""

from __future__ import annotations

import datetime as dt

from notices.models import NoticeIndexPage, NoticePage
from places.models import PlaceIndexPage
from services.models import CertificateIndexPage, ServiceIndexPage
from tests.unit.towns import HALL, publish


def home_html(client, town) -> str:
    response = town.get(client, "/")
    assert response.status_code == 200
    return response.content.decode()


def test_sections_are_the_live_children_by_key(small_town):
    sections = small_town.home.sections()
    assert set(sections) == {"services", "certificates", "places", "notices"}
    assert isinstance(sections["services"], ServiceIndexPage)
    assert isinstance(sections["certificates"], CertificateIndexPage)
    assert isinstance(sections["places"], PlaceIndexPage)
    assert isinstance(sections["notices"], NoticeIndexPage)
    assert all(page.get_parent().pk == small_town.home.pk for page in sections.values())


def test_an_unpublished_section_is_left_out(client, small_town):
    assert 'id="notices-title"' in home_html(client, small_town)
    small_town.sections["notices"].unpublish()
    assert "notices" not in small_town.home.sections()
    assert 'id="notices-title"' not in home_html(client, small_town)


def test_sections_belong_to_their_own_town(small_town, other_town):
    mine = {page.pk for page in small_town.home.sections().values()}
    theirs = {page.pk for page in other_town.home.sections().values()}
    assert len(mine) == len(theirs) == 4
    assert not mine & theirs


def test_home_page_shows_categories_life_events_notices_and_the_hall(client, small_town):
    html = home_html(client, small_town)
    assert small_town.home.title in html
    assert f'href="/services/category/{small_town.category.slug}/"' in html
    assert small_town.category.name in html
    assert f'href="/services/life-event/{small_town.life_event.slug}/"' in html
    assert small_town.life_event.name in html
    assert small_town.notice.title in html
    assert small_town[HALL].title in html
    assert small_town[HALL].phone in html
    assert 'href="/certificates/"' in html


def test_home_page_lists_only_its_towns_current_notices(client, small_town, other_town):
    notices = small_town.sections["notices"]
    expired = publish(
        notices,
        NoticePage(
            title="已经过期的通知",
            slug="expired",
            date=dt.date.today() - dt.timedelta(days=30),
            expiry_date=dt.date.today() - dt.timedelta(days=1),
            body="<p>过期</p>",
        ),
    )
    html = home_html(client, small_town)
    assert small_town.notice.title in html
    assert expired.title not in html
    assert other_town.notice.title not in html
    other = other_town.get(client, "/").content.decode()
    assert other_town.notice.title in other
    assert small_town.notice.title not in other
