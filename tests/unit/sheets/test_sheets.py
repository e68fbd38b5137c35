"""What the small town's sheets hold and which sheets and packs a publish renews; no PDF is rendered here."""

from __future__ import annotations

import pytest

from home.outputs import SHEET, registry
from services.models import CertificateListPage, ItemPlace, ServiceItemPage
from sheets import tasks
from sheets.content import build, changed_sections
from sheets.pages import (
    PACK_PREFIX,
    POSTER_KEY,
    SheetNotFound,
    all_keys,
    service_hall,
    sheet_page,
    sheet_pages,
    village_points,
)
from sheets.tasks import packs_affected, refresh_for_page
from tests.unit.towns import (
    HALL,
    HALL_PHONE,
    MAY_ISSUE,
    MAY_ISSUE_ENTRY,
    MUST_NOT_ISSUE,
    MUST_NOT_ISSUE_ENTRY,
    POINT_1,
    POINT_2,
    TOWN_COMPLAINT_PHONE,
    TOWN_ITEM,
    VILLAGE_ITEM,
    WINDOW,
    WINDOW_ITEM,
)


def sections(content) -> dict:
    return {section.key: section for section in content.sections}


def codes(pages) -> list[str]:
    return [page.code for page in pages]


# -- content ------------------------------------------------------------------------


def test_an_items_sheet_has_every_section_it_has_content_for(small_town):
    content = build(small_town[TOWN_ITEM])
    assert (content.kind, content.code, content.title) == ("item", TOWN_ITEM, "最低生活保障申请")
    assert content.subtitle == f"{small_town.category.name} · {small_town.unit.name}"
    found = sections(content)
    assert list(found) == ["summary", "who", "conditions", "materials", "steps", "facts", "where", "phones", "online"]
    assert found["conditions"].rows == ["家庭人均月收入低于本镇低保标准", "家庭财产符合规定"]
    assert found["materials"].rows[1] == {"main": "委托书（原件1份）", "detail": "委托他人代办的时提交"}
    assert found["steps"].rows == ["申请", "审核"]  # one line each: the step's short form, else its name
    assert found["facts"].rows[0] == ["办理时限", "承诺20个工作日", "法定30个工作日"]
    assert found["where"].rows[0]["name"] == small_town[HALL].title
    assert found["where"].rows[0]["hours"][0] == "周一至周五 8:30-12:00，13:30-17:30"
    assert found["phones"].rows == [f"咨询 {HALL_PHONE}", f"投诉 {TOWN_COMPLAINT_PHONE}"]
    assert "网址：https://zwfw.example.cn/dibao" in found["online"].rows
    assert content.page_url.startswith("http://unit.test/")


def test_an_item_sheet_leaves_out_empty_sections(small_town):
    found = sections(build(small_town[WINDOW_ITEM]))
    assert "conditions" not in found and "materials" not in found and "steps" not in found
    assert found["facts"].rows[0][:2] == ["办理时限", "承诺即办"]


def test_a_village_items_sheet_counts_the_trip_to_the_village_station(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[VILLAGE_ITEM].pk)
    item.online_mode, item.max_trips = "全程网办", 0  # as the catalog records village 代办 items
    item.save_revision().publish()
    found = sections(build(item))
    assert found["facts"].rows[-1][:2] == ["跑动次数", "跑村里1次"]
    assert "全程网办" not in str(found["online"].rows) and "到村（社区）便民服务站" in str(found["online"].rows)


def test_village_points_share_one_line_on_an_items_sheet(small_town):
    rows = sections(build(small_town[VILLAGE_ITEM]))["where"].rows
    assert [(row["name"], row["note"]) for row in rows] == [(small_town[POINT_1].title, "东村村民就近代办")]
    item = ServiceItemPage.objects.get(pk=small_town[VILLAGE_ITEM].pk)
    item.item_places = [ItemPlace(place=small_town[POINT_1]), ItemPlace(place=small_town[POINT_2])]
    item.save_revision().publish()
    assert sections(build(item))["where"].rows[0]["name"] == "全镇各村（社区）便民服务站"


def test_a_sheet_prints_the_short_forms_and_counts_what_the_editor_kept_off(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.summary = "困难家庭按月领取低保金。申请后二十个工作日内答复。"
    item.sheet_summary = ""
    condition, step, material = item.conditions.first(), item.steps.first(), item.materials.first()
    condition.sheet_text, step.sheet_text, material.on_sheet = "收入低于低保标准", "到窗口交申请", False
    condition.save(), step.save(), material.save()
    found = sections(build(item))
    assert found["summary"].rows == ["困难家庭按月领取低保金。"]  # the first sentence
    assert found["conditions"].rows[0] == "收入低于低保标准"
    assert found["steps"].rows[0] == "到窗口交申请"
    assert found["materials"].more == 1 and all("身份证" not in row["main"] for row in found["materials"].rows)
    item.sheet_summary = "低保：困难家庭每月领钱"
    assert sections(build(item))["summary"].rows == ["低保：困难家庭每月领钱"]
    item.eligibility = "共同生活的家庭成员中有人户籍在本镇的困难家庭，由一名家庭成员作为申请人。"
    assert sections(build(item))["who"].rows == [item.eligibility]  # no short form: the full text
    item.sheet_eligibility = "本镇户籍的困难家庭"
    assert sections(build(item))["who"].rows == ["本镇户籍的困难家庭"]
    material.on_sheet, material.required, material.condition = True, False, "委托他人代办的"
    material.save()
    row = sections(build(item))["materials"].rows[0]
    assert row["detail"] == "委托他人代办的时提交" and row["main"].endswith("份）")  # printed from the fields
    material.sheet_text = "委托他人办的：对方身份证"
    material.save()
    assert sections(build(item))["materials"].rows[0] == {"main": "委托他人办的：对方身份证", "detail": ""}


def test_an_items_sheet_uses_the_settings_of_its_own_town(small_town, other_town):
    other_town.settings.consultation_phone = "0518-12345678"
    other_town.settings.save()
    for town, phone in ((small_town, "0517-86819999"), (other_town, "0518-12345678")):
        item = ServiceItemPage.objects.get(pk=town[WINDOW_ITEM].pk)
        item.consultation_phone = ""
        item.item_places = []
        item.save()
        assert sections(build(item))["phones"].rows[0] == f"咨询 {phone}"


@pytest.mark.parametrize(
    ("code", "entry", "heading"),
    [(MAY_ISSUE, MAY_ISSUE_ENTRY, "用途和出具程序"), (MUST_NOT_ISSUE, MUST_NOT_ISSUE_ENTRY, "不再开证明，改为这样办")],
)
def test_a_certificate_lists_sheet_heads_its_entries_as_the_model_does(small_town, code, entry, heading):
    page = small_town[code]
    content = build(page)
    assert content.kind == "certificates"
    assert content.subtitle == "共 1 项"
    found = sections(content)
    assert found["entries"].label == page.alternative_heading == heading
    assert found["entries"].rows == [
        {"code": entry, "name": small_town[entry].title, "how": small_town[entry].alternative}
    ]
    assert small_town[entry].alternative_heading == heading
    assert found["intro"].rows == [page.intro]
    assert ("basis" in found) == bool(page.basis)


def test_the_list_heading_follows_the_lists_kind(small_town):
    page = CertificateListPage.objects.get(pk=small_town[MAY_ISSUE].pk)
    page.list_kind = "不应出具"
    assert sections(build(page))["entries"].label == "不再开证明，改为这样办"


def test_a_halls_sheet_lists_contacts_hours_windows_and_items(small_town):
    content = build(small_town[HALL])
    assert (content.kind, content.subtitle) == ("place", "便民服务中心")
    found = sections(content)
    assert list(found) == ["contact", "hours", "windows", "items"]
    assert found["contact"].rows[1] == ["电话", HALL_PHONE, ""]
    assert found["hours"].rows == ["周一至周五 8:30-12:00，13:30-17:30", "法定节假日休息，调休上班日照常办公"]
    assert found["windows"].rows == [
        {"code": WINDOW, "name": small_town[WINDOW].title, "how": f"电话 {small_town[WINDOW].phone}"}
    ]
    assert found["items"].label == "在这里办理的事项（1 项）"
    assert found["items"].rows == [small_town[TOWN_ITEM].title]


def test_a_points_sheet_has_no_windows(small_town):
    found = sections(build(small_town[POINT_2]))
    assert "windows" not in found and "items" not in found  # nothing is handled at the second point
    assert sections(build(small_town[POINT_1]))["items"].rows == [small_town[VILLAGE_ITEM].title]


def test_only_pages_with_a_sheet_build_one(small_town):
    with pytest.raises(ValueError, match="no clarity sheet"):
        build(small_town[MAY_ISSUE_ENTRY])
    with pytest.raises(ValueError):
        build(small_town.notice)


def test_a_changed_summary_changes_the_hash_and_names_the_section(small_town):
    before = build(small_town[TOWN_ITEM])
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    assert build(item).content_hash == before.content_hash
    item.summary = "新的简介"
    after = build(item)
    assert after.content_hash != before.content_hash
    assert changed_sections(before.snapshot(), after.snapshot()) == ["这是什么事"]


# -- what a publish renews --------------------------------------------------------------


def affected_codes(page) -> list[str]:
    return codes(registry.affected(SHEET, page))


def test_an_item_affects_its_own_sheet_and_its_places(small_town):
    assert affected_codes(small_town[TOWN_ITEM]) == [TOWN_ITEM, HALL]
    assert affected_codes(small_town[VILLAGE_ITEM]) == [VILLAGE_ITEM, POINT_1]


def test_an_entry_affects_its_lists_sheet(small_town):
    assert affected_codes(small_town[MUST_NOT_ISSUE_ENTRY]) == [MUST_NOT_ISSUE]
    assert affected_codes(small_town[MAY_ISSUE_ENTRY]) == [MAY_ISSUE]
    assert affected_codes(small_town[MAY_ISSUE]) == [MAY_ISSUE]


def test_a_place_affects_its_sheet_its_items_and_its_hall(small_town):
    assert affected_codes(small_town[HALL]) == [HALL, TOWN_ITEM]
    assert affected_codes(small_town[WINDOW]) == [WINDOW, WINDOW_ITEM, HALL]
    assert affected_codes(small_town[POINT_2]) == [POINT_2]


def test_the_hall_or_a_certificate_list_affects_every_village_pack_of_the_town(small_town, other_town):
    site = small_town.site
    for page in (small_town[HALL], small_town[MAY_ISSUE], small_town[MUST_NOT_ISSUE]):
        assert codes(packs_affected(site, [page])) == [POINT_1, POINT_2]
        assert {p.pk for p in packs_affected(site, [page])} == {small_town[POINT_1].pk, small_town[POINT_2].pk}
    entry = registry.affected(SHEET, small_town[MUST_NOT_ISSUE_ENTRY])
    assert codes(packs_affected(site, entry)) == [POINT_1, POINT_2]


def test_an_item_affects_only_the_packs_of_the_points_that_handle_it(small_town):
    site = small_town.site
    assert codes(packs_affected(site, registry.affected(SHEET, small_town[VILLAGE_ITEM]))) == [POINT_1]
    assert packs_affected(site, registry.affected(SHEET, small_town[WINDOW_ITEM])) == []
    assert codes(packs_affected(site, registry.affected(SHEET, small_town[TOWN_ITEM]))) == [POINT_1, POINT_2]


def test_refresh_for_page_renders_the_changed_sheet_and_leaves_packs_and_poster_for_later(small_town, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "refresh_edition", lambda page: calls.append(("edition", page.code)))
    monkeypatch.setattr(tasks, "get_sheet", lambda site, code: calls.append(("sheet", site.hostname, code)))
    done, failed, later = [], [], []
    refresh_for_page(small_town[MUST_NOT_ISSUE_ENTRY], done, failed, later)
    assert (done, failed) == ([MUST_NOT_ISSUE], [])
    assert calls == [("edition", MUST_NOT_ISSUE), ("sheet", "unit.test", MUST_NOT_ISSUE)]
    assert later == [f"pack:{POINT_1}", f"pack:{POINT_2}", "poster:ZM"]


def test_a_place_renews_its_own_sheet_now_and_queues_the_items_that_show_it(small_town, monkeypatch):
    def get_sheet(site, code):
        if code == HALL:
            raise RuntimeError("render failed")

    editions = []
    monkeypatch.setattr(tasks, "refresh_edition", lambda page: editions.append(page.code))
    monkeypatch.setattr(tasks, "get_sheet", get_sheet)
    done, failed, later = [], [], []
    refresh_for_page(small_town[HALL], done, failed, later)
    assert (done, failed) == ([], [HALL])  # listed, and the rest still goes on
    assert TOWN_ITEM in editions and TOWN_ITEM in later
    assert all(key.startswith("pack:") for key in later if key.startswith("pack"))


def test_queued_renewals_are_low_priority_with_packs_one_at_a_time(small_town, monkeypatch):
    queued, options = [], []

    class Recorder:
        def using(self, **given):
            options.append(given)
            return self

        def enqueue(self, site_id, keys):
            queued.append(keys)

    monkeypatch.setattr(tasks, "build_sheet_keys", Recorder())
    keys = ["A-1", "A-2", "A-3", "A-4", "A-5", f"pack:{POINT_1}", "poster:ZM"]
    tasks.queue_renewals(small_town.site.pk, keys)
    assert options == [{"priority": tasks.SITE_RENEWAL_PRIORITY}]
    assert queued == [["A-1", "A-2", "A-3", "A-4"], ["A-5"], [f"pack:{POINT_1}"], ["poster:ZM"]]


def test_publishing_schedules_sheet_renewal_unless_paused(small_town, django_capture_on_commit_callbacks):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    with django_capture_on_commit_callbacks() as callbacks, registry.paused():
        item.save_revision().publish()
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        item.save_revision().publish()
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        small_town.notice.save_revision().publish()  # no sheet shows a notice
    assert callbacks == []


# -- finding sheets by code -------------------------------------------------------------


def test_sheet_page_finds_a_code_within_the_town_only(small_town, other_town):
    for town in (small_town, other_town):
        for code in (TOWN_ITEM, MUST_NOT_ISSUE, HALL, POINT_1):
            assert sheet_page(town.site, code).pk == town[code].pk
    moved = ServiceItemPage.objects.get(pk=other_town[WINDOW_ITEM].pk)
    moved.code = "UT-MZ-007"
    moved.save_revision().publish()
    assert sheet_page(other_town.site, "UT-MZ-007").pk == moved.pk
    with pytest.raises(SheetNotFound):
        sheet_page(small_town.site, "UT-MZ-007")


def test_sheet_page_wants_a_live_page_with_a_sheet(small_town):
    with pytest.raises(SheetNotFound):
        sheet_page(small_town.site, MUST_NOT_ISSUE_ENTRY)  # an entry prints on its list's sheet
    with pytest.raises(SheetNotFound):
        sheet_page(small_town.site, "NO-SUCH-001")
    small_town[TOWN_ITEM].unpublish()
    with pytest.raises(SheetNotFound):
        sheet_page(small_town.site, TOWN_ITEM)
    assert sheet_page(small_town.site, POINT_1, kind="village_point").pk == small_town[POINT_1].pk
    with pytest.raises(SheetNotFound):
        sheet_page(small_town.site, HALL, kind="village_point")


def test_the_towns_sheets_packs_and_poster(small_town, other_town):
    pages = sheet_pages(small_town.site)
    assert codes(pages) == [
        TOWN_ITEM,
        WINDOW_ITEM,
        VILLAGE_ITEM,
        MAY_ISSUE,
        MUST_NOT_ISSUE,
        HALL,
        WINDOW,
        POINT_1,
        POINT_2,
    ]
    assert all(page.path.startswith(small_town.path) for page in pages)
    assert codes(village_points(small_town.site).order_by("path")) == [POINT_1, POINT_2]
    assert all_keys(small_town.site)[-3:] == [PACK_PREFIX + POINT_1, PACK_PREFIX + POINT_2, POSTER_KEY]


def test_the_service_hall_is_the_one_chosen_else_the_first_live_hall(small_town):
    assert service_hall(small_town.site).pk == small_town[HALL].pk
    small_town.settings.service_hall = small_town[POINT_1]
    small_town.settings.save()
    assert service_hall(small_town.site).pk == small_town[POINT_1].pk
    small_town.settings.service_hall = None
    small_town.settings.save()
    assert service_hall(small_town.site).pk == small_town[HALL].pk
