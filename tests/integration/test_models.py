"""Model validation: what an editor cannot save, whatever the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from home.coded import CodedPageForm, find_by_code, find_code_clash
from places.models import OpeningPeriod, PlacePage, SpecialDay
from services.models import CertificateListPage, Material, ServiceItemPage

pytestmark = pytest.mark.django_db


def item(code="QH-MZ-001") -> ServiceItemPage:
    return ServiceItemPage.objects.get(code=code)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_a_loaded_item_is_valid():
    item().full_clean()


@pytest.mark.parametrize("code", ["QH-MZ-1", "qh-mz-001", "QH_MZ_001", "QH-MZ-0001", ""])
def test_item_code_format(code):
    page = item()
    page.code = code
    assert "code" in errors_of(page)


def test_charged_items_need_standard_and_basis():
    page = item()
    page.fee_charged = True
    errs = errors_of(page)
    assert errs["fee_standard"] == ["收费事项必须写明收费标准"]
    assert errs["fee_basis"] == ["收费事项必须写明收费依据"]
    page.fee_standard, page.fee_basis = "工本费20元", "《居民身份证法》第二十条"
    page.full_clean()
    assert page.fee_display == "工本费20元"


def test_free_items_show_free():
    assert item().fee_display == "不收费"


def test_fully_online_items_need_no_trip():
    page = item()
    assert page.online_mode == "全程网办"
    page.max_trips = 1
    assert errors_of(page)["max_trips"] == ["全程网办的事项最多跑 0 次"]


@pytest.mark.parametrize(
    "unit, value, field",
    [
        ("工作日", None, "statutory_limit_value"),
        ("即办", 5, "statutory_limit_value"),
        ("", 5, "statutory_limit_value"),
    ],
)
def test_statutory_limit_shape(unit, value, field):
    page = item()
    page.statutory_limit_unit, page.statutory_limit_value = unit, value
    assert field in errors_of(page)


def test_promised_limit_cannot_be_none():
    page = item()
    page.promised_limit_unit = "无"
    assert "promised_limit_unit" in errors_of(page)


@pytest.mark.parametrize("phone", ["86810000", "0517 86810000", "电话", "0517-868"])
def test_phone_format(phone):
    page = item()
    page.consultation_phone = phone
    assert "consultation_phone" in errors_of(page)


def test_only_village_items_point_to_a_town_item():
    town_item = item("QH-MZ-001")
    town_item.town_item = item("QH-MZ-006")
    assert "town_item" in errors_of(town_item)
    village = item("QH-MZ-802")
    village.town_item = town_item
    village.full_clean()


def test_conditional_material_needs_its_condition():
    material = Material(item=item(), name="残疾人证", required=False, condition="")
    with pytest.raises(ValidationError) as exc:
        material.full_clean()
    assert "condition" in exc.value.message_dict


def test_opening_period_must_be_forward():
    hall = PlacePage.objects.get(code="OF-H01")
    period = OpeningPeriod(place=hall, first_day=4, last_day=0, opens=dt.time(12), closes=dt.time(8))
    with pytest.raises(ValidationError) as exc:
        period.full_clean()
    assert set(exc.value.message_dict) == {"last_day", "closes"}


def test_make_up_workday_names_its_weekday():
    day = SpecialDay(date=dt.date(2026, 10, 11), name="调休上班", closed=False)
    with pytest.raises(ValidationError) as exc:
        day.full_clean()
    assert "follows_weekday" in exc.value.message_dict


def test_place_code_matches_its_kind():
    window = PlacePage.objects.get(code="OF-W05")
    window.kind = "village_point"
    assert "code" in errors_of(window)


def test_certificate_list_code_matches_its_kind():
    must_not = CertificateListPage.objects.get(code="ZM-N")
    must_not.list_kind = "可以出具"
    assert "code" in errors_of(must_not)


def test_codes_are_unique_within_a_town(site):
    services = item().get_parent()
    clash = find_code_clash("QH-MZ-001", services)
    assert clash is not None and clash.specific.code == "QH-MZ-001"
    assert find_code_clash("QH-MZ-001", services, exclude_pk=item().pk) is None
    assert find_by_code(site, "OF-W05").title.startswith("5号窗口")


def test_codes_may_repeat_in_another_town(site):
    from wagtail.models import Page, Site

    from home.models import HomePage

    root = Page.get_first_root_node()
    other_home = root.add_child(instance=HomePage(title="另一个镇", slug="other-town"))
    Site.objects.create(hostname="other.example.cn", port=80, root_page=other_home)
    assert find_code_clash("QH-MZ-001", other_home) is None


def test_admin_form_refuses_a_duplicate_code():
    page = item("QH-MZ-002")
    form_class = ServiceItemPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, CodedPageForm)
    form = form_class(instance=page, parent_page=page.get_parent(), for_user=None)
    form.cleaned_data = {"code": "QH-MZ-001"}
    form.clean()
    assert "已被“最低生活保障申请”使用" in str(form.errors["code"])
