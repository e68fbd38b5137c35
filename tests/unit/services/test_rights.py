"""Department rights and review on the small town: who may edit, submit, approve and publish what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import TaskState, WorkflowState

from services.models import ResponsibleUnit, ServiceItemPage
from services.models.review import REVIEW_INTERVAL_DAYS, TOWN_REVIEWERS_GROUP
from services.permissions import GUIDE_WORKFLOW, sync_groups
from tests.adminforms import read_form
from tests.unit.services.test_admin import add_inline
from tests.unit.towns import TOWN_ITEM, WINDOW_ITEM

OTHER_UNIT = "单元测试人社所"


@pytest.fixture
def rights(small_town):
    """Two units (the town item is 民政's, the window item 人社's), their groups, and one user per role."""
    other = ResponsibleUnit.objects.create(name=OTHER_UNIT, short_name="人社所")
    ServiceItemPage.objects.filter(pk=small_town[WINDOW_ITEM].pk).update(responsible_unit=other)
    sync_groups()
    own = ResponsibleUnit.objects.get(pk=small_town.unit.pk)
    other.refresh_from_db()
    users = {}
    for role, group in (
        ("editor", own.editors_group),
        ("reviewer", own.reviewers_group),
        ("other_editor", other.editors_group),
        ("other_reviewer", other.reviewers_group),
        ("town_reviewer", Group.objects.get(name=TOWN_REVIEWERS_GROUP)),
    ):
        user = get_user_model().objects.create_user(role, f"{role}@example.invalid", "pw-unit-1")
        user.groups.add(group)
        users[role] = user
    return small_town, own, other, users


def perms(user, page):
    return ServiceItemPage.objects.get(pk=page.pk).permissions_for_user(get_user_model().objects.get(pk=user.pk))


def test_every_unit_gets_an_editors_and_a_reviewers_group_named_after_it(rights):
    _town, own, other, _users = rights
    assert own.editors_group.name == f"{own.name}编辑"
    assert own.reviewers_group.name == f"{own.name}审核"
    assert other.editors_group.name == f"{OTHER_UNIT}编辑"
    other.name = "单元测试人力资源和社会保障所"
    other.save()
    sync_groups()
    other.refresh_from_db()
    assert other.editors_group.name == "单元测试人力资源和社会保障所编辑"
    assert not Group.objects.filter(name=f"{OTHER_UNIT}编辑").exists()  # renamed, not duplicated


def test_wagtails_english_defaults_are_adopted_under_chinese_names(rights):
    names = set(Group.objects.values_list("name", flat=True))
    assert not names & {"Moderators", "Editors"}
    from wagtail.models import Workflow

    assert not Workflow.objects.filter(name__contains="Moderators").exists()


@pytest.mark.parametrize(
    ("role", "own_edit", "other_edit", "publish"),
    [
        ("editor", True, False, False),
        ("reviewer", True, False, False),
        ("other_editor", False, True, False),
        ("town_reviewer", True, True, True),
    ],
)
def test_page_rights_for_every_role(rights, role, own_edit, other_edit, publish):
    town, _own, _other, users = rights
    user = users[role]
    assert perms(user, town[TOWN_ITEM]).can_edit() is own_edit
    assert perms(user, town[WINDOW_ITEM]).can_edit() is other_edit
    assert perms(user, town[TOWN_ITEM]).can_publish() is publish
    assert perms(user, town[TOWN_ITEM]).can_delete() is publish
    assert perms(user, town[TOWN_ITEM]).can_submit_for_moderation() is own_edit


def test_an_editor_cannot_open_another_units_guide_for_editing(client, rights):
    town, _own, _other, users = rights
    client.force_login(users["editor"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[town[TOWN_ITEM].pk])).status_code == 200
    response = client.get(reverse("wagtailadmin_pages:edit", args=[town[WINDOW_ITEM].pk]))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/" in response["Location"]


def _edit_data(client, page, **changes):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = read_form(client.get(url).content.decode(), "page-edit-form")
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return url, data


def test_an_editor_chooses_only_their_own_unit(client, rights):
    town, _own, other, users = rights
    client.force_login(users["editor"])
    url, data = _edit_data(client, town[TOWN_ITEM], responsible_unit=str(other.pk))
    response = client.post(url, data)
    assert response.status_code == 200  # the form comes back with the error
    assert ServiceItemPage.objects.get(pk=town[TOWN_ITEM].pk).responsible_unit_id != other.pk


def test_a_guide_with_a_blocking_problem_saves_as_draft_but_cannot_be_submitted(client, rights):
    town, _own, _other, users = rights
    client.force_login(users["editor"])
    page = town[TOWN_ITEM]
    url, data = _edit_data(client, page)
    for key in [k for k in data if k.startswith("steps-") and k.endswith("-DELETE")]:
        data[key] = ["1"]
    rows = int(data["steps-TOTAL_FORMS"][0])
    for index in range(rows):
        data[f"steps-{index}-DELETE"] = ["1"]
    submitting = dict(data, **{"action-submit": ["action-submit"]})
    response = client.post(url, submitting)
    html = response.content.decode()
    assert response.status_code == 200
    assert "必须修改后才能发布" in html and "办理流程" in html and "至少需要一个办理环节" in html
    assert not WorkflowState.objects.filter(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS).exists()
    assert client.post(url, data).status_code == 302  # a plain draft save still works


def _submit(client, user, page, summary: str) -> None:
    client.force_login(user)
    url, data = _edit_data(client, page, summary=summary, **{"action-submit": "action-submit"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _task_state(page) -> TaskState:
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS).specific


def test_submitted_guides_reach_their_own_units_reviewers_only(client, rights):
    town, _own, _other, users = rights
    page = town[TOWN_ITEM]
    _submit(client, users["editor"], page, "提交审核的新简介。")
    state = _task_state(page)
    assert state.workflow_state.workflow.name == GUIDE_WORKFLOW
    task = state.task.specific
    page = ServiceItemPage.objects.get(pk=page.pk)
    assert [name for name, _label, _modal in task.get_actions(page, users["reviewer"])] == ["reject", "approve"]
    assert task.get_actions(page, users["other_reviewer"]) == []
    assert task.get_actions(page, users["editor"]) == []
    assert task.get_task_states_user_can_moderate(users["reviewer"]).filter(pk=state.pk).exists()
    assert not task.get_task_states_user_can_moderate(users["other_reviewer"]).filter(pk=state.pk).exists()


def test_rejection_sends_the_guide_back_to_its_author_with_the_comment(client, rights, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town, _own, _other, users = rights
    page = town[TOWN_ITEM]
    _submit(client, users["editor"], page, "要被退回的简介。")
    state = _task_state(page)
    client.force_login(users["reviewer"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.pk])
    response = client.post(url, {"comment": "材料清单请补充身份证复印件"})
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED
    assert state.comment == "材料清单请补充身份证复印件"
    workflow_state = state.workflow_state
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert ServiceItemPage.objects.get(pk=page.pk).permissions_for_user(users["editor"]).can_edit()
    to_author = [m for m in mail.outbox if users["editor"].email in m.to]
    assert to_author and "材料清单请补充身份证复印件" in to_author[0].body


def test_approval_with_confirmation_publishes_and_sets_the_review_dates(client, rights):
    town, _own, _other, users = rights
    page = town[TOWN_ITEM]
    _submit(client, users["editor"], page, "审核通过的新简介。")
    state = _task_state(page)
    client.force_login(users["reviewer"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk])
    response = client.post(url, {"comment": "", "confirmed": "on"})
    assert response.status_code in (200, 302)
    page = ServiceItemPage.objects.get(pk=page.pk)
    today = timezone.localdate()
    assert page.live and page.summary == "审核通过的新简介。"
    assert page.last_reviewed == today
    assert page.next_review_due == today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)


def test_another_units_reviewer_cannot_approve(client, rights):
    town, _own, _other, users = rights
    page = town[TOWN_ITEM]
    _submit(client, users["editor"], page, "别的单位不能批准。")
    state = _task_state(page)
    client.force_login(users["other_reviewer"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk])
    client.post(url, {"comment": ""})
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS
    assert ServiceItemPage.objects.get(pk=page.pk).summary != "别的单位不能批准。"


def test_a_guide_created_in_the_admin_gets_its_code_as_slug_and_a_changed_code_leaves_a_redirect(
    admin_client, small_town, django_capture_on_commit_callbacks
):
    services = small_town.sections["services"]
    url = reverse("wagtailadmin_pages:add", args=["services", "serviceitempage", services.pk])
    data = read_form(admin_client.get(url).content.decode(), "page-edit-form")
    data.update(
        {
            "title": ["测试新事项（中文标题）"],
            "slug": ["测试新事项中文标题"],
            "code": ["UT-MZ-009"],
            "category": [str(small_town.category.pk)],
            "responsible_unit": [str(small_town.unit.pk)],
            "item_type": ["行政给付"],
            "complaint_phone": ["0517-86812345"],
            "consultation_phone": ["0517-86810002"],
        }
    )
    add_inline(data, "materials", name="户口簿", form="原件", copies="1", medium="纸质", required="on")
    add_inline(data, "steps", title="申请", description="提交申请。")
    add_inline(data, "legal_bases", document="《社会救助暂行办法》", article="")
    data["action-publish"] = ["action-publish"]
    assert admin_client.post(url, data).status_code == 302
    page = ServiceItemPage.objects.get(code="UT-MZ-009", path__startswith=small_town.path)
    assert page.slug == "ut-mz-009"
    old_path = page.url_path

    url, data = _edit_data(admin_client, page, code="UT-MZ-010", **{"action-publish": "action-publish"})
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail makes the redirect once the save commits
        assert admin_client.post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.slug == "ut-mz-010"
    site_path = old_path.removeprefix(small_town.home.url_path.rstrip("/"))
    assert Redirect.objects.filter(old_path=Redirect.normalise_path(site_path), redirect_page=page).exists()
