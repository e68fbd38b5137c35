"""Notices: which are current, in what order, what the home page takes, and their one end (下架时间)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notices.models import EXPIRY_LABEL, NoticePage, end_of_day
from tests.unit.towns import publish

TODAY = timezone.localdate()
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def notice(
    town,
    slug: str,
    *,
    days_ago: int = 0,
    expires_in: dt.timedelta | None = None,
    pinned: bool = False,
) -> NoticePage:
    return publish(
        town.sections["notices"],
        NoticePage(
            title=f"通知{slug}",
            slug=slug,
            date=TODAY - dt.timedelta(days=days_ago),
            expire_at=None if expires_in is None else timezone.now() + expires_in,
            pinned=pinned,
            body=f"<p>{slug}</p>",
        ),
    )


def slugs(pages) -> list[str]:
    return [page.slug for page in pages]


HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def test_current_leaves_out_notices_past_their_expire_at(small_town):
    notice(small_town, "expired-an-hour-ago", days_ago=10, expires_in=-HOUR)
    notice(small_town, "expires-in-an-hour", days_ago=10, expires_in=HOUR)
    notice(small_town, "expires-later", days_ago=5, expires_in=30 * DAY)
    current = slugs(NoticePage.current())
    assert "expired-an-hour-ago" not in current
    assert {"expires-in-an-hour", "expires-later", small_town.notice.slug} <= set(current)


def test_current_is_as_of_a_given_moment(small_town):
    page = notice(small_town, "ends-soon", expires_in=3 * DAY)
    assert "ends-soon" in slugs(NoticePage.current(page.expire_at - dt.timedelta(seconds=1)))
    assert "ends-soon" not in slugs(NoticePage.current(page.expire_at))


def test_current_puts_pinned_first_then_newest(small_town):
    notice(small_town, "old-pinned", days_ago=20, pinned=True)
    notice(small_town, "older", days_ago=9)
    notice(small_town, "newer", days_ago=2)
    index = small_town.sections["notices"]
    assert slugs(index.current_notices()) == ["old-pinned", small_town.notice.slug, "newer", "older"]


def test_current_leaves_out_unpublished_notices(small_town):
    small_town.notice.unpublish()
    assert small_town.notice.slug not in slugs(small_town.sections["notices"].current_notices())


def test_is_expired_from_the_expire_at_moment_on(small_town):
    page = notice(small_town, "ends-in-an-hour", expires_in=HOUR)
    assert not page.is_expired()
    assert not page.is_expired(page.expire_at - dt.timedelta(seconds=1))
    assert page.is_expired(page.expire_at)
    assert not small_town.notice.is_expired(timezone.now() + 3650 * DAY)


def test_a_notice_the_scheduler_took_down_is_expired(small_town):
    page = notice(small_town, "taken-down", expires_in=HOUR)
    page.unpublish(set_expired=True)
    page.refresh_from_db()
    assert page.is_expired()


def test_the_expiry_date_is_a_date_view_of_expire_at():
    page = NoticePage(title="t", slug="t", body="<p>t</p>")
    assert page.expiry_date is None
    page.expiry_date = dt.date(2027, 1, 31)
    assert page.expire_at == dt.datetime(2027, 1, 31, 23, 59, 59, tzinfo=SHANGHAI)
    assert page.expiry_date == dt.date(2027, 1, 31)
    page.expire_at = dt.datetime(2027, 2, 1, 0, 0, tzinfo=SHANGHAI)  # midnight: the 31st was the last day
    assert page.expiry_date == dt.date(2027, 1, 31)
    page.expire_at = dt.datetime(2027, 1, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 February in Shanghai
    assert page.expiry_date == dt.date(2027, 2, 1)
    page.expiry_date = None
    assert page.expire_at is None


def test_end_of_day_is_shanghai_time():
    assert end_of_day(dt.date(2026, 10, 7)) == dt.datetime(2026, 10, 7, 15, 59, 59, tzinfo=dt.UTC)


def test_latest_takes_the_newest_current_notices_of_this_index(small_town, other_town):
    for n in range(7):
        notice(small_town, f"n{n}", days_ago=n + 1)
    notice(small_town, "gone", days_ago=0, expires_in=-HOUR)
    index = small_town.sections["notices"]
    assert slugs(index.latest()) == [small_town.notice.slug, "n0", "n1", "n2", "n3", "n4"]
    assert slugs(index.latest(count=2)) == [small_town.notice.slug, "n0"]
    assert other_town.notice.pk not in [page.pk for page in index.latest(count=20)]
    assert [page.pk for page in other_town.sections["notices"].latest()] == [other_town.notice.pk]


def test_the_notice_list_filters_by_category_and_keeps_expired_notices_out(client, small_town):
    notice(small_town, "gone", expires_in=-HOUR)
    response = small_town.get(client, small_town.sections["notices"])
    assert response.status_code == 200
    assert slugs(response.context["notices"]) == [small_town.notice.slug]
    filtered = small_town.get(client, small_town.sections["notices"], data={"category": "公示"})
    assert filtered.context["active_category"] == "公示"
    assert slugs(filtered.context["notices"]) == []
    unknown = small_town.get(client, small_town.sections["notices"], data={"category": "乱写"})
    assert unknown.context["active_category"] == ""
    assert slugs(unknown.context["notices"]) == [small_town.notice.slug]


def test_a_notice_past_its_time_says_so_until_the_scheduler_takes_it_down(client, small_town):
    page = notice(small_town, "gone", days_ago=30, expires_in=-HOUR)
    response = small_town.get(client, page)
    assert response.status_code == 200
    html = response.content.decode()
    assert page.title in html
    last_day = timezone.localtime(page.expire_at).date()
    assert f"此通知已于 {last_day.year}年{last_day.month}月{last_day.day}日 到期，即将从网站撤下" in html
    assert "此通知已于" not in small_town.get(client, small_town.notice).content.decode()
    page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")  # what publish_scheduled does
    assert small_town.get(client, page).status_code == 404


def test_the_edit_form_shows_one_end_in_the_main_panel(admin_client, small_town):
    """下架时间 sits in 发布信息 of the content tab; the schedule dialog keeps only 上线时间."""
    response = admin_client.get(f"/admin/pages/{small_town.notice.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="expire_at"') == 1
    assert html.count('name="go_live_at"') == 1
    assert EXPIRY_LABEL in html
    assert "截止日期" not in html
    first_tab = html.index('class="w-tabs__panel"')  # 内容, before 推荐 and 设置
    content_tab = html[first_tab : html.index('class="w-tabs__panel"', first_tab + 1)]
    assert 'name="expire_at"' in content_tab and EXPIRY_LABEL in content_tab
    dialog = html[html.index('id="schedule-publishing-dialog"') :]
    assert 'name="go_live_at"' in dialog and 'name="expire_at"' not in dialog
