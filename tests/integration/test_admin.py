"""Editors edit, save drafts and publish service items in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from services.models import ServiceItemPage
from services.models.review import TOWN_REVIEWERS_GROUP
from tests.adminforms import read_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    """A town reviewer (镇级审核): may edit and publish any guide, not a superuser."""
    user = django_user_model.objects.create_user("editor", password="pw-editor-1")
    user.groups.add(Group.objects.get(name=TOWN_REVIEWERS_GROUP))
    return user


def edit_form(client, page) -> tuple[str, dict]:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return url, read_form(html, "page-edit-form")


def test_edit_page_shows_the_guide_tabs(admin_client):
    page = ServiceItemPage.objects.get(code="QH-MZ-001")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    for tab in ("基本信息", "申请条件与材料", "办理", "咨询、依据与问答", "关联与审核"):
        assert tab in html
    for label in ("一句话简介", "受理条件", "申请材料", "办理流程", "最多跑几次", "监督投诉电话", "常见问题"):
        assert label in html
    assert "质量检查" in html


def test_the_edit_form_does_not_autosave(admin_client):
    """Autosave is off (settings: it raced the review workflow); the unsaved-changes warning stays."""
    page = ServiceItemPage.objects.get(code="QH-MZ-001")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    form = html[html.index('id="page-edit-form"') :][:3000]
    assert "w-unsaved#confirm" in form  # leaving with unsaved changes asks first
    assert "w-autosave#save" not in form and "data-w-autosave-interval-value" not in form


def test_edit_form_lists_the_guides_quality_problems(admin_client):
    page = ServiceItemPage.objects.get(code="QH-HY-003")
    page.summary = "长" * 65
    page.save_revision()  # a draft: the panel checks the revision being edited
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "一句话简介：一句话简介 65 字，超过 60 字" in html


def test_editor_edits_and_publishes_a_service_item(client, editor):
    client.force_login(editor)
    page = ServiceItemPage.objects.get(code="QH-MZ-011")
    revisions = page.revisions.count()
    url, data = edit_form(client, page)
    data["summary"] = ["年满80周岁的本镇户籍老年人，每月可领取高龄津贴。"]
    data["statutory_limit_unit"] = ["工作日"]
    data["statutory_limit_value"] = ["20"]
    data["promised_limit_unit"] = ["工作日"]
    data["promised_limit_value"] = ["10"]
    # Add one condition and one step through the inline panels.
    for prefix, fields in (
        ("conditions", {"text": "年满80周岁"}),
        ("steps", {"title": "申请", "description": "本人或家属到村便民服务站申请"}),
    ):
        total = int(data[f"{prefix}-TOTAL_FORMS"][0])
        for key, value in {**fields, "ORDER": str(total + 1), "id": "", "DELETE": ""}.items():
            if key != "DELETE":
                data[f"{prefix}-{total}-{key}"] = [value]
        data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
    data["action-publish"] = ["action-publish"]

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.summary == "年满80周岁的本镇户籍老年人，每月可领取高龄津贴。"
    assert str(page.statutory_limit) == "20个工作日"
    assert [c.text for c in page.conditions.all()][-1] == "年满80周岁"
    assert page.steps.last().description == "本人或家属到村便民服务站申请"
    assert page.revisions.count() == revisions + 1
    assert page.live and not page.has_unpublished_changes
    assert "年满80周岁的本镇户籍老年人" in client.get(page.url).content.decode()


def test_a_draft_does_not_change_the_live_page(admin_client):
    page = ServiceItemPage.objects.get(code="QH-MZ-012")
    live_summary = page.summary
    url, data = edit_form(admin_client, page)
    data["summary"] = ["草稿中的简介"]
    response = admin_client.post(url, data)  # plain save = draft
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.has_unpublished_changes
    assert page.summary == live_summary
    assert page.get_latest_revision_as_object().summary == "草稿中的简介"
    assert "草稿中的简介" not in admin_client.get(page.url).content.decode()


def test_invalid_input_is_explained_and_nothing_is_saved(admin_client):
    page = ServiceItemPage.objects.get(code="QH-MZ-013")
    revisions = page.revisions.count()
    url, data = edit_form(admin_client, page)
    data["fee_charged"] = ["on"]
    data["max_trips"] = ["2"]  # a fully online item
    data["action-publish"] = ["action-publish"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "收费事项必须写明收费标准" in html
    assert "全程网办的事项最多跑 0 次" in html
    page.refresh_from_db()
    assert page.revisions.count() == revisions
    assert not page.fee_charged


@pytest.fixture
def unit_editor(django_user_model):
    """An editor of the 民政 unit (the unit of QH-MZ-001)."""
    unit = ServiceItemPage.objects.get(code="QH-MZ-001").responsible_unit
    user = django_user_model.objects.create_user("minzheng-editor", password="pw-editor-2")
    user.groups.add(unit.editors_group)
    return user


def test_a_department_editor_cannot_touch_places(client, unit_editor):
    from places.models import PlacePage

    client.force_login(unit_editor)
    hall = PlacePage.objects.get(code="OF-H01")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[hall.pk]))
    assert response.status_code in (302, 403)


def test_taxonomies_and_town_settings_are_editable(admin_client, site):
    from services.models import ServiceCategory

    category = ServiceCategory.objects.get(slug="marriage")
    url = reverse("wagtailsnippets_services_servicecategory:edit", args=[category.pk])
    assert "婚姻家庭" in admin_client.get(url).content.decode()
    settings_url = reverse("wagtailsettings:edit", args=["home", "townsettings", site.pk])
    html = admin_client.get(settings_url).content.decode()
    assert "清河镇便民服务网" in html and "监督投诉电话" in html


def test_editing_a_category_keeps_a_revision(admin_client):
    from services.models import ServiceCategory

    category = ServiceCategory.objects.get(slug="marriage")
    url = reverse("wagtailsnippets_services_servicecategory:edit", args=[category.pk])
    data = read_form(admin_client.get(url).content.decode(), "w-editor-form")
    assert data, "snippet edit form not found"
    data["description"] = ["结婚、离婚登记和婚姻档案查询。"]
    response = admin_client.post(url, data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.description == "结婚、离婚登记和婚姻档案查询。"
    assert category.revisions.count() == 1
