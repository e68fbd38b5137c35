"""The data migration that folds the old 截止日期 (expiry_date) into 下架时间 (expire_at).

Migrates the notices app back to 0001 (where expiry_date exists), writes old
values with SQL, and migrates forward again. It changes the schema, so it runs
outside a transaction and restores the database's migrated content afterwards.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Revision

from notices.models import NoticeIndexPage, NoticePage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("notices", "0001_initial")]
AFTER = [("notices", "0002_expiry_date_to_expire_at")]
END_OF_31_JANUARY = dt.datetime(2027, 1, 31, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Shanghai


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def add_notice(index: Page, slug: str, **values) -> NoticePage:
    page = NoticePage(title=slug, slug=slug, body="<p>x</p>", **values)
    index.add_child(instance=page)
    page.save_revision().publish()
    page.save_revision()  # a draft saved after the publish: it carries the date too
    return page


def test_expiry_dates_become_end_of_day_expire_at_on_pages_and_revisions():
    root = Page.get_first_root_node()
    index = root.add_child(instance=NoticeIndexPage(title="通知公告", slug="migration-notices"))
    dated = add_notice(index, "dated")
    both = add_notice(index, "both", expire_at=dt.datetime(2027, 1, 10, 2, 0, tzinfo=dt.UTC))
    later_expire_at = add_notice(index, "later-expire-at", expire_at=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    past = add_notice(index, "past")
    plain = add_notice(index, "plain")

    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for page, day in ((dated, "2027-01-31"), (both, "2027-01-31"), (later_expire_at, "2027-01-31")):
                cursor.execute("UPDATE notices_noticepage SET expiry_date = %s WHERE page_ptr_id = %s", [day, page.pk])
            cursor.execute(
                "UPDATE notices_noticepage SET expiry_date = %s WHERE page_ptr_id = %s", ["2026-09-17", past.pk]
            )
        for revision in Revision.objects.filter(object_id=str(dated.pk)):
            content = dict(revision.content, expiry_date="2027-01-31")
            Revision.objects.filter(pk=revision.pk).update(content=json.loads(json.dumps(content)))
    finally:
        migrate(AFTER)

    pages = {
        p.slug: p for p in NoticePage.objects.filter(pk__in=[p.pk for p in (dated, both, later_expire_at, past, plain)])
    }
    assert pages["dated"].expire_at == END_OF_31_JANUARY
    assert pages["both"].expire_at == dt.datetime(2027, 1, 10, 2, 0, tzinfo=dt.UTC)  # the earlier one wins
    assert pages["later-expire-at"].expire_at == END_OF_31_JANUARY
    # Already past: left live for the scheduler's publish_scheduled to take down.
    assert pages["past"].expire_at == dt.datetime(2026, 9, 17, 15, 59, 59, tzinfo=dt.UTC)
    assert pages["past"].live
    assert pages["plain"].expire_at is None

    revisions = Revision.objects.filter(object_id=str(dated.pk))
    assert revisions.count() == 2
    for revision in revisions:
        assert "expiry_date" not in revision.content
        assert revision.content["expire_at"] == "2027-01-31T15:59:59Z"
    draft = pages["dated"].get_latest_revision_as_object()
    assert draft.expire_at == END_OF_31_JANUARY  # publishing the old draft keeps the date
