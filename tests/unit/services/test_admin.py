"""Editors create items and preview drafts in the Wagtail admin, on the small town."""

from __future__ import annotations

import re

from django.urls import reverse

from services.models import ServiceItemPage
from sheets.content import build
from tests.adminforms import read_form
from tests.unit.towns import (
    HALL,
    HALL_PHONE,
    MAY_ISSUE_ENTRY,
    MUST_NOT_ISSUE_ENTRY,
    POINT_1,
    POINT_2,
    TOWN_ITEM,
    TOWN_PHONE,
    VILLAGE_ITEM,
    WINDOW,
    WINDOW_ITEM,
    url_path,
)

CONTACT_PHONE = re.compile(r"<dt>咨询电话</dt><dd>(?:<a [^>]*>)?([^<]+)")
ASK_PHONE = re.compile(r"请拨打咨询电话(?:\s*<a [^>]*>([^<]+)</a>)?")


def add_inline(data: dict, prefix: str, **fields: str) -> None:
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    for key, value in {**fields, "ORDER": str(total + 1), "id": ""}.items():
        data[f"{prefix}-{total}-{key}"] = [value]
    data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]


def create_item_in_admin(admin_client, town, **fields: str) -> ServiceItemPage:
    """Fill the admin's create form as an editor would, with one place, and publish."""
    services = town.sections["services"]
    url = reverse("wagtailadmin_pages:add", args=["services", "serviceitempage", services.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    data = read_form(response.content.decode(), "page-edit-form")
    data.update(
        {
            "title": ["临时救助申请"],
            "slug": ["linshi-jiuzhu"],
            "code": ["UT-MZ-003"],
            "category": [str(town.category.pk)],
            "responsible_unit": [str(town.unit.pk)],
            "item_type": ["行政给付"],
            "summary": ["遭遇突发困难的家庭可以申请临时救助。"],
            "consultation_phone": [""],  # left empty: the place's phone applies
            "action-publish": ["action-publish"],
        }
    )
    data.update({name: [value] for name, value in fields.items()})
    add_inline(data, "item_places", place=str(town[HALL].pk), note="")
    # What publishing needs (blocking quality rules); conditions stay empty on purpose.
    add_inline(data, "materials", name="户口簿", form="原件", copies="1", medium="纸质", required="on")
    add_inline(data, "steps", title="申请", description="到镇便民服务中心提交申请。")
    add_inline(data, "legal_bases", document="《社会救助暂行办法》", article="第四十七条")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceItemPage.objects.get(code="UT-MZ-003", path__startswith=town.path)
    assert page.live
    return page


def sheet_phone(page) -> str:
    rows = next(section.rows for section in build(page).sections if section.key == "phones")
    consultation = [row.removeprefix("咨询 ") for row in rows if row.startswith("咨询 ")]
    assert len(consultation) == 1, rows
    return consultation[0]


def test_an_item_created_in_the_admin_shows_the_same_phone_on_the_page_and_the_sheet(admin_client, client, small_town):
    page = create_item_in_admin(admin_client, small_town)
    assert page.consultation_phone == ""
    assert [p.pk for p in page.places_in_order()] == [small_town[HALL].pk]

    response = small_town.get(client, page)
    assert response.status_code == 200
    html = response.content.decode()
    on_page = CONTACT_PHONE.findall(html)

    # 办事要点 at the top and 咨询与投诉 further down: the main place's phone, not the town's.
    assert on_page == [HALL_PHONE, HALL_PHONE]
    assert sheet_phone(page) == on_page[0]


def test_every_phone_an_admin_created_item_asks_residents_to_call_is_the_sheets(admin_client, client, small_town):
    page = create_item_in_admin(admin_client, small_town)  # no conditions, materials, steps: prompts show
    html = small_town.get(client, page).content.decode()
    prompts = ASK_PHONE.findall(html)
    assert prompts, "an item without conditions asks residents to call"
    assert set(prompts) == {sheet_phone(page)}, f"page prompts {set(prompts)}, sheet {sheet_phone(page)}"
    assert TOWN_PHONE not in prompts


def test_the_admin_refuses_a_code_used_in_the_same_town(admin_client, small_town):
    services = small_town.sections["services"]
    url = reverse("wagtailadmin_pages:add", args=["services", "serviceitempage", services.pk])
    data = read_form(admin_client.get(url).content.decode(), "page-edit-form")
    data.update(
        {
            "title": ["重复编码的事项"],
            "slug": ["duplicate"],
            "code": [TOWN_ITEM],
            "category": [str(small_town.category.pk)],
            "responsible_unit": [str(small_town.unit.pk)],
            "item_type": ["行政给付"],
            "action-publish": ["action-publish"],
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "已被“最低生活保障申请”使用" in response.content.decode()
    assert not ServiceItemPage.objects.filter(slug="duplicate").exists()


def draft_with_relations(town) -> tuple[ServiceItemPage, str]:
    """A draft of the town item: a new summary, related items and certificates (ParentalManyToManyField)."""
    page = ServiceItemPage.objects.get(pk=town[TOWN_ITEM].pk)
    summary = "草稿里的新简介：低保申请可以全程在村里代办。"
    page.summary = summary
    page.related_items = [town[WINDOW_ITEM], town[VILLAGE_ITEM]]
    page.related_certificates = [town[MAY_ISSUE_ENTRY], town[MUST_NOT_ISSUE_ENTRY]]
    page.save_revision()
    return page, summary


def test_a_draft_revision_with_related_pages_can_be_viewed(admin_client, small_town):
    page, summary = draft_with_relations(small_town)
    revision = page.get_latest_revision()
    response = admin_client.get(
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]), HTTP_HOST=small_town.hostname
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert summary in html
    assert small_town[WINDOW_ITEM].title in html  # a related item
    assert small_town[MUST_NOT_ISSUE_ENTRY].title in html  # a related certificate
    page.refresh_from_db()
    assert page.summary != summary  # the live page is untouched


def test_the_guide_draft_preview_returns_200(admin_client, small_town):
    page, summary = draft_with_relations(small_town)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = read_form(admin_client.get(edit_url).content.decode(), "page-edit-form")
    assert data["summary"] == [summary]  # the form edits the draft
    assert set(data["related_certificates"]) == {
        str(small_town[MAY_ISSUE_ENTRY].pk),
        str(small_town[MUST_NOT_ISSUE_ENTRY].pk),
    }
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    posted = admin_client.post(preview_url, data)
    assert posted.status_code == 200
    assert posted.json()["is_valid"] is True

    response = admin_client.get(preview_url, HTTP_HOST=small_town.hostname)
    assert response.status_code == 200
    html = response.content.decode()
    assert summary in html
    assert small_town[MUST_NOT_ISSUE_ENTRY].title in html


def test_related_items_offer_the_towns_other_guides_by_category(admin_client, small_town, other_town):
    page, _ = draft_with_relations(small_town)
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    select = re.search(r'<select name="related_items".*?</select>', html, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    assert list(groups) == [small_town.category.name]
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', groups[small_town.category.name])
    labels = {label for _, _, label in options}
    assert f"{WINDOW_ITEM} {small_town[WINDOW_ITEM].title}" in labels
    assert not any(label.startswith(TOWN_ITEM) for label in labels)  # not itself
    assert {int(pk) for pk, _, _ in options}.isdisjoint(p.pk for p in other_town.pages.values())
    assert {int(pk) for pk, chosen, _ in options if chosen} == {small_town[WINDOW_ITEM].pk, small_town[VILLAGE_ITEM].pk}


def test_each_place_row_offers_the_towns_places_by_kind(admin_client, small_town, other_town):
    page = small_town[TOWN_ITEM]
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    select = re.search(r'<select name="item_places-0-place".*?</select>', html, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    assert list(groups) == ["便民服务中心", "服务窗口", "村（社区）便民服务站"]
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}
    assert offered == {small_town[code].pk for code in (HALL, WINDOW, POINT_1, POINT_2)}
    assert re.search(rf'<option value="{small_town[HALL].pk}" selected>', select)


def test_the_page_lists_related_pages_and_the_village_item(client, small_town):
    page = ServiceItemPage.objects.get(pk=small_town[TOWN_ITEM].pk)
    page.related_items = [small_town[WINDOW_ITEM], small_town[VILLAGE_ITEM]]
    page.save_revision().publish()
    html = small_town.get(client, url_path(page)).content.decode()
    assert small_town[MAY_ISSUE_ENTRY].title in html  # related certificate from the builder
    assert small_town[WINDOW_ITEM].title in html
    assert "在村（社区）便民服务站也可以代办" in html and small_town[VILLAGE_ITEM].title in html
