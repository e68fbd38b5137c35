"""Saving town settings renews only the sheets that print what changed, in low-priority pieces."""

from __future__ import annotations

import pytest

from home.models import TownSettings
from sheets import tasks
from sheets.pages import PACK_PREFIX, POSTER_KEY
from tests.unit.towns import HALL, MAY_ISSUE, POINT_1, TOWN_ITEM


class Recorder:
    """Stands in for a task (tasks are frozen): records what would be enqueued, and with what options."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.options: list[dict] = []

    def enqueue(self, *args) -> None:
        self.calls.append(args)

    def using(self, **options) -> Recorder:
        self.options.append(options)
        return self


@pytest.fixture
def enqueued(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(tasks, "refresh_site_sheets", recorder)
    return recorder.calls


def _save(small_town, django_capture_on_commit_callbacks, **changes) -> None:
    settings = TownSettings.objects.get(pk=small_town.settings.pk)
    for name, value in changes.items():
        setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        settings.save()


def test_hot_words_are_on_no_sheet(small_town, enqueued, django_capture_on_commit_callbacks):
    _save(
        small_town,
        django_capture_on_commit_callbacks,
        hot_words="低保、医保",
        footer_note="备案号",
        portal_title="新名",
    )
    assert enqueued == []


@pytest.mark.parametrize(
    ("changes", "scopes"),
    [
        ({"consultation_phone": "0517-86811111"}, ["items"]),
        ({"online_service_url": "https://zwfw.example.gov.cn/"}, ["items"]),
        ({"town_name": "新单元镇"}, ["all"]),
        ({"public_address": "https://bianmin.unit.gov.cn/"}, ["all"]),
        ({"show_demo_notice": True, "complaint_phone": "0517-86812222"}, ["all", "items"]),
    ],
)
def test_printed_fields_renew_what_prints_them(
    small_town, enqueued, django_capture_on_commit_callbacks, changes, scopes
):
    _save(small_town, django_capture_on_commit_callbacks, **changes)
    assert enqueued == [(small_town.site.pk, scopes)]


def test_a_phone_change_renews_item_sheets_and_packs_only(small_town):
    keys = tasks.keys_for_scopes(small_town.site, ["items"])
    assert TOWN_ITEM in keys and PACK_PREFIX + POINT_1 in keys
    assert HALL not in keys and MAY_ISSUE not in keys and POSTER_KEY not in keys
    assert tasks.keys_for_scopes(small_town.site, ["all"]) == tasks.all_keys(small_town.site)
    assert set(tasks.keys_for_scopes(small_town.site, ["packs"])) == {
        key for key in tasks.all_keys(small_town.site) if key.startswith(PACK_PREFIX)
    }


def test_site_renewals_are_queued_in_small_low_priority_pieces(small_town, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(tasks, "build_sheet_keys", recorder)
    monkeypatch.setattr("sheets.batch.refresh_editions", lambda site: 0)
    result = tasks.refresh_site_sheets.func(small_town.site.pk, ["all"])
    assert recorder.options == [{"priority": tasks.SITE_RENEWAL_PRIORITY}] and tasks.SITE_RENEWAL_PRIORITY < 0
    queued = [key for _site, keys in recorder.calls for key in keys]
    assert queued == result["queued"] == tasks.all_keys(small_town.site)
    assert all(len(keys) <= tasks.SITE_RENEWAL_CHUNK for _site, keys in recorder.calls)
