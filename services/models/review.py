"""部门审核: a workflow step that the reviewers of the guide's own responsible unit act on."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Task, TaskState

REVIEW_INTERVAL_DAYS = 365  # a guide is due for another check twelve months after the last
TOWN_REVIEWERS_GROUP = "镇级审核"


def next_review_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=REVIEW_INTERVAL_DAYS)


class ApproveForm(TaskStateCommentForm):
    """Approval with the reviewer's confirmation that the content was checked against current policy."""

    confirmed = forms.BooleanField(
        label="已核对：内容已对照现行政策核实",
        required=False,
        help_text="勾选后，上次核对日期记为今天，复核日期顺延12个月。",
    )


class UnitReviewTask(Task):
    """Approved or sent back by the reviewers of the page's responsible unit (or the town reviewers).

    Wagtail's group approval task names fixed groups; a guide's reviewers
    depend on the guide, so this task reads the unit from the page.
    """

    class Meta:
        verbose_name = "部门审核"
        verbose_name_plural = "部门审核"

    @classmethod
    def get_description(cls) -> str:
        return "由事项所属责任单位的审核组（或镇级审核组）批准或退回修改"

    @staticmethod
    def unit_of(obj):
        return getattr(getattr(obj, "specific_deferred", obj), "responsible_unit", None)

    def user_can_review(self, obj, user) -> bool:
        if user.is_superuser or user.groups.filter(name=TOWN_REVIEWERS_GROUP).exists():
            return True
        unit = self.unit_of(obj)
        return bool(unit and unit.reviewers_group_id and user.groups.filter(pk=unit.reviewers_group_id).exists())

    def user_can_access_editor(self, obj, user) -> bool:
        return self.user_can_review(obj, user)

    def locked_for_user(self, obj, user) -> bool:
        return not self.user_can_review(obj, user)

    def get_actions(self, obj, user) -> list[tuple[str, str, bool]]:
        if not self.user_can_review(obj, user):
            return []
        if blocking_problems_of(obj):  # approval would publish a guide that prints an almost empty sheet
            return [("reject", "退回修改", True)]
        return [("reject", "退回修改", True), ("approve", "批准", True)]

    def get_form_for_action(self, action: str):
        return ApproveForm if action == "approve" else TaskStateCommentForm

    def on_action(self, task_state, user, action_name, **kwargs):
        confirmed = kwargs.pop("confirmed", False)
        if action_name == "approve" and blocking_problems_of(task_state.revision.as_object()):
            raise PermissionDenied("该指南还有必须修改的问题，不能批准，请退回修改")
        result = super().on_action(task_state, user, action_name, **kwargs)
        if action_name == "approve" and confirmed:
            record_review(task_state.workflow_state.content_object, timezone.localdate())
        return result

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser or user.groups.filter(name=TOWN_REVIEWERS_GROUP).exists():
            return states
        from .item import ServiceItemPage

        ids = ServiceItemPage.objects.filter(responsible_unit__reviewers_group__in=user.groups.all()).values("pk")
        return states.filter(workflow_state__object_id__in=[str(row["pk"]) for row in ids])


def blocking_problems_of(obj) -> list:
    """Blocking quality problems of the version under review (its latest revision)."""
    from ..quality import blocking_problems, must_not_issue_names

    page = getattr(obj, "specific_deferred", obj)
    if not hasattr(page, "legal_bases"):  # only guides have quality rules
        return []
    return blocking_problems(page.get_latest_revision_as_object(), must_not_issue_names())


def record_review(page, day: dt.date) -> None:
    """The reviewer confirmed the content: last checked today, next check in twelve months.

    Written to the page row and its latest revision alike, so publishing that
    revision (the workflow's next step) keeps the dates.
    """
    page = page.specific
    if not hasattr(page, "next_review_due"):
        return
    values = {"last_reviewed": day, "next_review_due": next_review_after(day)}
    type(page).objects.filter(pk=page.pk).update(**values)
    revision = page.get_latest_revision()
    if revision is not None:
        content = dict(revision.content)
        content.update({key: value.isoformat() for key, value in values.items()})
        revision.content = content
        revision.save(update_fields=["content"])
