"""Notices: which are current, in what order, and what the home page takes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notices.models import NoticePage
from tests.unit.towns import publish

TODAY = timezone.localdate()


def notice(town, slug: str, *, days_ago: int = 0, expires_in: int | None = None, pinned: bool = False) -> NoticePage:
    return publish(
        town.sections["notices"],
        NoticePage(
            title=f"通知{slug}",
            slug=slug,
            date=TODAY - dt.timedelta(days=days_ago),
            expiry_date=None if expires_in is None else TODAY + dt.timedelta(days=expires_in),
            pinned=pinned,
            body=f"<p>{slug}</p>",
        ),
    )


def slugs(pages) -> list[str]:
    return [page.slug for page in pages]


def test_current_leaves_out_expired_notices(small_town):
    notice(small_town, "expired-yesterday", days_ago=10, expires_in=-1)
    notice(small_town, "expires-today", days_ago=10, expires_in=0)
    notice(small_town, "expires-later", days_ago=5, expires_in=30)
    current = slugs(NoticePage.current())
    assert "expired-yesterday" not in current
    assert {"expires-today", "expires-later", small_town.notice.slug} <= set(current)


def test_current_is_as_of_a_given_day(small_town):
    notice(small_town, "ends-soon", expires_in=3)
    assert "ends-soon" in slugs(NoticePage.current(TODAY + dt.timedelta(days=3)))
    assert "ends-soon" not in slugs(NoticePage.current(TODAY + dt.timedelta(days=4)))


def test_current_puts_pinned_first_then_newest(small_town):
    notice(small_town, "old-pinned", days_ago=20, pinned=True)
    notice(small_town, "older", days_ago=9)
    notice(small_town, "newer", days_ago=2)
    index = small_town.sections["notices"]
    assert slugs(index.current_notices()) == ["old-pinned", small_town.notice.slug, "newer", "older"]


def test_current_leaves_out_unpublished_notices(small_town):
    small_town.notice.unpublish()
    assert small_town.notice.slug not in slugs(small_town.sections["notices"].current_notices())


def test_is_expired_after_the_expiry_date_only(small_town):
    page = notice(small_town, "ends-today", expires_in=0)
    assert not page.is_expired()
    assert page.is_expired(TODAY + dt.timedelta(days=1))
    assert not small_town.notice.is_expired(TODAY + dt.timedelta(days=3650))


def test_latest_takes_the_newest_current_notices_of_this_index(small_town, other_town):
    for n in range(7):
        notice(small_town, f"n{n}", days_ago=n + 1)
    notice(small_town, "gone", days_ago=0, expires_in=-1)
    index = small_town.sections["notices"]
    assert slugs(index.latest()) == [small_town.notice.slug, "n0", "n1", "n2", "n3", "n4"]
    assert slugs(index.latest(count=2)) == [small_town.notice.slug, "n0"]
    assert other_town.notice.pk not in [page.pk for page in index.latest(count=20)]
    assert [page.pk for page in other_town.sections["notices"].latest()] == [other_town.notice.pk]


def test_the_notice_list_filters_by_category_and_keeps_expired_notices_out(client, small_town):
    notice(small_town, "gone", expires_in=-1)
    response = small_town.get(client, small_town.sections["notices"])
    assert response.status_code == 200
    assert slugs(response.context["notices"]) == [small_town.notice.slug]
    filtered = small_town.get(client, small_town.sections["notices"], data={"category": "公示"})
    assert filtered.context["active_category"] == "公示"
    assert slugs(filtered.context["notices"]) == []
    unknown = small_town.get(client, small_town.sections["notices"], data={"category": "乱写"})
    assert unknown.context["active_category"] == ""
    assert slugs(unknown.context["notices"]) == [small_town.notice.slug]


def test_an_expired_notice_still_opens_and_says_so(client, small_town):
    page = notice(small_town, "gone", days_ago=30, expires_in=-1)
    response = small_town.get(client, page)
    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html
    assert "此通知已于" in html and "到期，内容仅供查阅" in html
    assert "此通知已于" not in small_town.get(client, small_town.notice).content.decode()
