"""Catalog codes are unique within one town and free to repeat in another."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from home.coded import CodedPageForm, coded_models, find_by_code, find_code_clash
from places.models import PlacePage
from services.models import CertificateEntryPage, CertificateListPage, ServiceItemPage
from tests.unit.towns import HALL, MUST_NOT_ISSUE_ENTRY, TOWN_ITEM, WINDOW_ITEM


def admin_form_errors(town, code: str) -> dict:
    """The errors the admin form gives a new item in ``town`` that takes ``code``."""
    services = town.sections["services"]
    form_class = ServiceItemPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, CodedPageForm)
    form = form_class(instance=ServiceItemPage(), parent_page=services, for_user=None)
    form.cleaned_data = {"code": code}
    form.clean()
    return dict(form.errors)


def test_coded_models_are_the_page_types_with_a_code():
    assert set(coded_models()) == {ServiceItemPage, CertificateListPage, CertificateEntryPage, PlacePage}


def test_a_code_clashes_with_the_page_of_the_same_town(small_town, other_town):
    clash = find_code_clash(TOWN_ITEM, small_town.sections["services"])
    assert clash is not None and clash.pk == small_town[TOWN_ITEM].pk
    clash = find_code_clash(TOWN_ITEM, other_town.sections["places"])
    assert clash is not None and clash.pk == other_town[TOWN_ITEM].pk
    # Any coded page type counts: a place code asked from the services section.
    assert find_code_clash(HALL, small_town.sections["services"]).pk == small_town[HALL].pk


def test_a_page_does_not_clash_with_itself_nor_with_another_town(small_town, other_town):
    item = small_town[TOWN_ITEM]
    assert find_code_clash(TOWN_ITEM, item.get_parent(), exclude_pk=item.pk) is None
    assert find_code_clash("UT-MZ-999", small_town.sections["services"]) is None


def test_a_code_used_only_in_another_town_is_free(small_town, other_town):
    own = small_town[WINDOW_ITEM]
    page = ServiceItemPage.objects.get(pk=own.pk)
    page.code = "UT-MZ-009"  # now used in the small town only
    page.save_revision().publish()
    assert find_code_clash("UT-MZ-009", other_town.sections["services"]) is None
    assert find_code_clash("UT-MZ-009", small_town.sections["services"]).pk == own.pk


def test_the_admin_form_refuses_a_code_of_the_same_town_only(small_town, other_town):
    errors = admin_form_errors(small_town, TOWN_ITEM)
    assert "已被“最低生活保障申请”使用" in str(errors["code"])
    moved = ServiceItemPage.objects.get(pk=other_town[TOWN_ITEM].pk)
    moved.code = "UT-MZ-008"
    moved.save_revision().publish()
    assert "code" in admin_form_errors(other_town, "UT-MZ-008")
    assert "code" not in admin_form_errors(small_town, "UT-MZ-008")


def test_find_by_code_resolves_within_one_site_and_live_pages(small_town, other_town):
    assert find_by_code(small_town.site, TOWN_ITEM).pk == small_town[TOWN_ITEM].pk
    assert find_by_code(other_town.site, TOWN_ITEM).pk == other_town[TOWN_ITEM].pk
    entry = find_by_code(small_town.site, MUST_NOT_ISSUE_ENTRY)
    assert entry.pk == small_town[MUST_NOT_ISSUE_ENTRY].pk
    small_town[TOWN_ITEM].unpublish()
    assert find_by_code(small_town.site, TOWN_ITEM) is None
    assert find_by_code(small_town.site, TOWN_ITEM, live_only=False).pk == small_town[TOWN_ITEM].pk


@pytest.mark.parametrize(
    ("model", "good", "bad"),
    [
        (ServiceItemPage, "UT-MZ-001", "UT-MZ-1"),
        (PlacePage, "OF-V12", "OF-12"),
        (CertificateListPage, "ZM-Y", "ZM-X"),
        (CertificateEntryPage, "ZM-N-01", "ZM-N-1"),
    ],
)
def test_each_coded_page_type_checks_its_code_pattern(model, good, bad):
    assert model.code_is_valid(good)
    assert not model.code_is_valid(bad)
    assert not model.code_is_valid("")


def test_clean_names_the_expected_code_form(small_town):
    page = small_town[TOWN_ITEM]
    page.code = "ut-mz-001"
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert "应形如 QH-MZ-001" in exc.value.message_dict["code"][0]
