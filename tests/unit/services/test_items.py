"""Service items on the small town: phones, related pages, validation and the directory."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from services.models import ItemPlace, ServiceItemPage
from services.models.item import live_pages
from tests.unit.towns import (
    HALL,
    HALL_PHONE,
    MAY_ISSUE_ENTRY,
    MUST_NOT_ISSUE_ENTRY,
    POINT_1,
    TOWN_COMPLAINT_PHONE,
    TOWN_ITEM,
    TOWN_PHONE,
    VILLAGE_ITEM,
    WINDOW,
    WINDOW_ITEM,
    WINDOW_ITEM_PHONE,
    publish,
)


def errors_of(page) -> dict:
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    return exc.value.message_dict


# -- phones -------------------------------------------------------------------


def test_an_items_own_phone_comes_first(small_town):
    phones = small_town[WINDOW_ITEM].contact_phones(small_town.settings)
    assert phones.consultation == WINDOW_ITEM_PHONE
    assert phones.complaint == TOWN_COMPLAINT_PHONE  # no complaint phone of its own


def test_without_its_own_phone_an_item_gives_its_main_places(small_town):
    item = small_town[TOWN_ITEM]
    assert item.consultation_phone == ""
    assert item.main_place().pk == small_town[HALL].pk
    assert item.contact_phones(small_town.settings).consultation == HALL_PHONE


def test_the_main_place_is_the_first_place_in_order(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.item_places = [ItemPlace(place=small_town[WINDOW]), ItemPlace(place=small_town[HALL])]
    item.save_revision().publish()
    item = ServiceItemPage.objects.get(pk=item.pk)
    assert [p.pk for p in item.places_in_order()] == [small_town[WINDOW].pk, small_town[HALL].pk]
    assert item.contact_phones(small_town.settings).consultation == small_town[WINDOW].phone


def test_without_phone_or_place_an_item_gives_the_towns(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.item_places = []
    item.save()
    assert item.main_place() is None
    assert item.contact_phones(small_town.settings) == (TOWN_PHONE, TOWN_COMPLAINT_PHONE)
    assert item.contact_phones(None) == ("", "")


def test_the_page_shows_the_phones_of_contact_phones(client, small_town):
    for code, expected in ((TOWN_ITEM, HALL_PHONE), (WINDOW_ITEM, WINDOW_ITEM_PHONE)):
        response = small_town.get(client, small_town[code])
        assert response.status_code == 200
        assert response.context["phones"] == (expected, TOWN_COMPLAINT_PHONE)


# -- related pages --------------------------------------------------------------


def test_live_pages_leaves_out_unpublished_pages_in_tree_order(small_town):
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.related_items = [small_town[VILLAGE_ITEM], small_town[WINDOW_ITEM]]
    item.related_certificates = [small_town[MUST_NOT_ISSUE_ENTRY], small_town[MAY_ISSUE_ENTRY]]
    item.save()
    assert [p.code for p in live_pages(item.related_items)] == [WINDOW_ITEM, VILLAGE_ITEM]
    assert [p.code for p in live_pages(item.related_certificates)] == [MAY_ISSUE_ENTRY, MUST_NOT_ISSUE_ENTRY]
    small_town[WINDOW_ITEM].unpublish()
    assert [p.code for p in live_pages(item.related_items)] == [VILLAGE_ITEM]


def test_live_pages_reads_a_revisions_relations(small_town):
    """A revision holds a modelcluster FakeQuerySet, which has no ``live()``."""
    item = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    item.related_items = [small_town[WINDOW_ITEM], small_town[VILLAGE_ITEM]]
    revision = item.save_revision()
    draft = revision.as_object()
    relation = draft.related_items
    assert not hasattr(relation.all(), "live")
    assert [p.code for p in live_pages(relation)] == [WINDOW_ITEM, VILLAGE_ITEM]
    assert [p.code for p in live_pages(draft.related_certificates)] == [MAY_ISSUE_ENTRY]


def test_the_village_item_is_linked_both_ways(small_town):
    village = small_town[VILLAGE_ITEM]
    assert village.town_item.pk == small_town[TOWN_ITEM].pk
    assert list(small_town[TOWN_ITEM].village_items.values_list("code", flat=True)) == [VILLAGE_ITEM]
    assert village.main_place().pk == small_town[POINT_1].pk


# -- validation -------------------------------------------------------------------


def test_the_small_towns_items_are_valid(small_town):
    for code in (TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM):
        small_town[code].full_clean()


def test_a_charged_item_needs_standard_and_basis(small_town):
    item = small_town[TOWN_ITEM]
    item.fee_charged = True
    errors = errors_of(item)
    assert errors["fee_standard"] == ["收费事项必须写明收费标准"]
    assert errors["fee_basis"] == ["收费事项必须写明收费依据"]
    item.fee_standard, item.fee_basis = "工本费10元", "《某某收费办法》"
    item.full_clean()
    assert item.fee_display == "工本费10元"


def test_time_limits_state_days_only_for_day_units(small_town):
    item = small_town[TOWN_ITEM]
    item.statutory_limit_value = None
    assert "statutory_limit_value" in errors_of(item)
    item = small_town[WINDOW_ITEM]  # 即办
    item.promised_limit_value = 3
    assert errors_of(item)["promised_limit_value"] == ["承诺时限为“即办”时不填天数"]
    item.promised_limit_value = None
    item.promised_limit_unit = "无"
    assert errors_of(item)["promised_limit_unit"] == ["承诺时限不能为“无”，请填写天数或“即办”"]


def test_a_fully_online_item_needs_no_trip(small_town):
    item = small_town[TOWN_ITEM]
    item.online_mode = "全程网办"
    assert errors_of(item)["max_trips"] == ["全程网办的事项最多跑 0 次"]
    item.max_trips = 0
    item.full_clean()


@pytest.mark.parametrize("phone", ["86810000", "0517 86810000", "电话0517-86810000"])
def test_phones_need_an_area_code_or_a_mobile_form(small_town, phone):
    item = small_town[TOWN_ITEM]
    item.consultation_phone = phone
    assert "consultation_phone" in errors_of(item)


def test_only_a_village_item_names_a_town_item_and_never_itself(small_town):
    town_item = small_town[TOWN_ITEM]
    town_item.town_item = small_town[WINDOW_ITEM]
    assert errors_of(town_item)["town_item"] == ["只有村级代办事项才填写对应的镇级事项"]
    village = small_town[VILLAGE_ITEM]
    village.town_item = village
    assert errors_of(village)["town_item"] == ["不能指向自己"]


# -- directory --------------------------------------------------------------------


def listed_titles(response) -> list[str]:
    assert response.status_code == 200
    return [item.title for item in response.context["listed_items"]]


def test_the_directory_groups_live_items_by_category(client, small_town):
    response = small_town.get(client, small_town.sections["services"])
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(category.pk, [i.code for i in items]) for category, items in groups] == [
        (small_town.category.pk, [TOWN_ITEM, WINDOW_ITEM, VILLAGE_ITEM])
    ]


def test_directory_routes_by_category_life_event_and_level(client, small_town, other_town):
    base = "/services/"
    by_category = listed_titles(small_town.get(client, f"{base}category/{small_town.category.slug}/"))
    assert by_category == ["最低生活保障申请", "高龄津贴发放", "最低生活保障申请（村级代办）"]
    by_event = small_town.get(client, f"{base}life-event/{small_town.life_event.slug}/")
    assert [i.code for i in by_event.context["listed_items"]] == [TOWN_ITEM, WINDOW_ITEM]
    assert all(i.path.startswith(small_town.path) for i in by_event.context["listed_items"])
    assert [i.code for i in small_town.get(client, f"{base}level/村/").context["listed_items"]] == [VILLAGE_ITEM]
    assert [i.code for i in small_town.get(client, f"{base}level/镇/").context["listed_items"]] == [
        TOWN_ITEM,
        WINDOW_ITEM,
    ]


def test_unknown_directory_routes_are_404(client, small_town):
    assert small_town.get(client, "/services/level/县/").status_code == 404
    assert small_town.get(client, "/services/category/no-such-category/").status_code == 404
    assert small_town.get(client, "/services/life-event/no-such-event/").status_code == 404


def test_an_unpublished_item_leaves_the_directory(client, small_town):
    small_town[WINDOW_ITEM].unpublish()
    response = small_town.get(client, f"/services/category/{small_town.category.slug}/")
    assert WINDOW_ITEM not in [i.code for i in response.context["listed_items"]]
    new = publish(
        small_town.sections["services"],
        ServiceItemPage(
            title="新发布的事项",
            slug="new-item",
            code="UT-MZ-004",
            category=small_town.category,
            responsible_unit=small_town.unit,
            item_type="公共服务",
        ),
    )
    response = small_town.get(client, f"/services/category/{small_town.category.slug}/")
    assert new.code in [i.code for i in response.context["listed_items"]]
