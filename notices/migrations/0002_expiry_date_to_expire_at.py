"""One end for a notice: the old 截止日期 (expiry_date) becomes Wagtail's expire_at (下架时间).

A date becomes that day's 23:59:59 Asia/Shanghai. Where a notice already had
an expire_at, the earlier of the two wins (it left the listings at the first
of them before). Every revision is rewritten the same way, so publishing a
draft saved before this migration keeps the date. A notice already past its
time stays as it is: the scheduler (publish_scheduled) takes it down at its
next run.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations
from django.utils.dateparse import parse_datetime

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENCODER = DjangoJSONEncoder()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI).astimezone(dt.UTC)


def earlier(current: dt.datetime | None, new: dt.datetime) -> dt.datetime:
    return new if current is None or new < current else current


def notice_revisions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="notices", model="noticepage").first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type=content_type)


def forwards(apps, schema_editor):
    NoticePage = apps.get_model("notices", "NoticePage")
    for page in NoticePage.objects.filter(expiry_date__isnull=False):
        page.expire_at = earlier(page.expire_at, end_of_day(page.expiry_date))
        page.save(update_fields=["expire_at"])
    for revision in notice_revisions(apps):
        content = revision.content
        day = content.pop("expiry_date", None)
        if day:
            current = parse_datetime(content["expire_at"]) if content.get("expire_at") else None
            content["expire_at"] = ENCODER.default(earlier(current, end_of_day(dt.date.fromisoformat(day))))
        revision.content = content
        revision.save(update_fields=["content"])


def backwards(apps, schema_editor):
    """Lossy: the date of the 下架时间 becomes the 截止日期; expire_at stays."""
    NoticePage = apps.get_model("notices", "NoticePage")
    for page in NoticePage.objects.filter(expire_at__isnull=False):
        page.expiry_date = page.expire_at.astimezone(SHANGHAI).date()
        page.save(update_fields=["expiry_date"])
    for revision in notice_revisions(apps):
        content = revision.content
        if content.get("expire_at"):
            content["expiry_date"] = parse_datetime(content["expire_at"]).astimezone(SHANGHAI).date().isoformat()
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="noticepage", name="expiry_date"),
    ]
