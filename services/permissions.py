"""Department rights on Wagtail's own permission machinery.

Every responsible unit (责任单位) has an editors group ``<unit>编辑`` and a
reviewers group ``<unit>审核``; the town has one ``镇级审核`` group that may
approve and publish anything. Page permissions (``GroupPagePermission``) give
unit groups add/change/view on the service directory, never publish. What
Wagtail's tree permissions cannot say, "only this unit's guides", a page
permission tester adds: it reads the guide's unit (``ServiceItemPage``
returns it from ``permissions_for_user``). Guides stay under one directory, so
every public URL and printed QR address is unchanged.

Groups, their permissions and the review workflow are kept in step by
``sync_groups``: on every unit save (signals) and after a catalog load.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import ResponsibleUnit, ServiceIndexPage, UnitReviewTask
from .models.review import TOWN_REVIEWERS_GROUP

EDITORS_SUFFIX = "编辑"
REVIEWERS_SUFFIX = "审核"
UNIT_PAGE_PERMISSIONS = ("add_page", "change_page", "view_page")
TOWN_PAGE_PERMISSIONS = ("add_page", "change_page", "view_page", "publish_page", "lock_page", "unlock_page")
# Blank forms and samples are documents; editors upload and choose them.
UNIT_COLLECTION_PERMISSIONS = ("add_document", "choose_document", "add_image", "choose_image")
GUIDE_WORKFLOW = "办事指南审核"
UNIT_REVIEW_TASK = "部门审核"
TOWN_WORKFLOW = TOWN_REVIEW_TASK = "镇级审核"
# Wagtail's initial migration makes English-named groups and a workflow on the
# tree root; the portal adopts them under Chinese names.
WAGTAIL_DEFAULT_GROUPS = {"Moderators": TOWN_REVIEWERS_GROUP, "Editors": "镇级编辑"}
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


# -- who may do what ----------------------------------------------------------


def is_town_reviewer(user) -> bool:
    return user.is_superuser or _group_names(user) & {TOWN_REVIEWERS_GROUP}


def _group_names(user) -> set[str]:
    if not hasattr(user, "_portal_group_names"):
        user._portal_group_names = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._portal_group_names


def user_unit_ids(user) -> set[int]:
    """The units whose editors or reviewers ``user`` is one of (cached on the user for the request)."""
    if not hasattr(user, "_portal_unit_ids"):
        groups = user.groups.all() if user.is_authenticated else Group.objects.none()
        user._portal_unit_ids = set(
            ResponsibleUnit.objects.filter(editors_group__in=groups).values_list("pk", flat=True)
        ) | set(ResponsibleUnit.objects.filter(reviewers_group__in=groups).values_list("pk", flat=True))
    return user._portal_unit_ids


def limited_to_units(user) -> bool:
    """Whether ``user`` may touch only their own units' guides (not a superuser or town reviewer)."""
    return not is_town_reviewer(user)


class UnitPagePermissionTester(PagePermissionTester):
    """Wagtail's tester, narrowed: outside their units, department staff may look but not touch."""

    def _outside_units(self) -> bool:
        if not limited_to_units(self.user):
            return False
        unit_id = getattr(self.page, "responsible_unit_id", None)
        return unit_id not in user_unit_ids(self.user)

    def can_edit(self) -> bool:
        return not self._outside_units() and super().can_edit()

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        return not self._outside_units() and super().can_delete(ignore_bulk)

    def can_unpublish(self) -> bool:
        return not self._outside_units() and super().can_unpublish()

    def can_publish(self) -> bool:
        return not self._outside_units() and super().can_publish()

    def can_submit_for_moderation(self) -> bool:
        return self.can_edit() and super().can_submit_for_moderation()

    def can_lock(self) -> bool:
        return not self._outside_units() and super().can_lock()

    def can_copy(self) -> bool:
        return self.can_edit()


# -- keeping groups, permissions and workflows in step ------------------------


def group_names(unit: ResponsibleUnit) -> tuple[str, str]:
    return f"{unit.name}{EDITORS_SUFFIX}", f"{unit.name}{REVIEWERS_SUFFIX}"


def _group(current: Group | None, name: str) -> Group:
    """The unit's group under its current name (renamed with the unit, never duplicated)."""
    if current is None:
        return Group.objects.get_or_create(name=name)[0]
    if current.name != name:
        current.name = name
        current.save(update_fields=["name"])
    return current


def _grant_pages(group: Group, pages, codenames) -> None:
    permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames)
    for page in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_admin_and_files(group: Group) -> None:
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(access)
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    if root is None:
        return
    permissions = Permission.objects.filter(codename__in=UNIT_COLLECTION_PERMISSIONS)
    for permission in permissions:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def sync_unit(unit: ResponsibleUnit) -> None:
    """Create or rename the unit's two groups and give them their rights on every service directory."""
    editors_name, reviewers_name = group_names(unit)
    editors = _group(unit.editors_group, editors_name)
    reviewers = _group(unit.reviewers_group, reviewers_name)
    if (unit.editors_group_id, unit.reviewers_group_id) != (editors.pk, reviewers.pk):
        ResponsibleUnit.objects.filter(pk=unit.pk).update(editors_group=editors, reviewers_group=reviewers)
        unit.editors_group, unit.reviewers_group = editors, reviewers
    directories = list(ServiceIndexPage.objects.all())
    for group in (editors, reviewers):
        _grant_admin_and_files(group)
        _grant_pages(group, directories, UNIT_PAGE_PERMISSIONS)


def adopt_wagtail_defaults() -> None:
    """Rename Wagtail's default groups, workflow and task to the portal's Chinese names."""
    for old, new in WAGTAIL_DEFAULT_GROUPS.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).exclude(name=TOWN_WORKFLOW).update(name=TOWN_WORKFLOW)
    GroupApprovalTask.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(name=TOWN_REVIEW_TASK)


def sync_town_reviewers() -> Group:
    group = Group.objects.get_or_create(name=TOWN_REVIEWERS_GROUP)[0]
    _grant_admin_and_files(group)
    homes = Page.objects.filter(depth=2)  # every town's home page
    _grant_pages(group, homes, TOWN_PAGE_PERMISSIONS)
    return group


def _workflow(name: str, task) -> Workflow:
    workflow = Workflow.objects.get_or_create(name=name)[0]
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def sync_workflows(town_reviewers: Group) -> None:
    """部门审核 for guides (the guide's unit reviewers, or the town's); 镇级审核 for everything else."""
    unit_task = UnitReviewTask.objects.filter(name=UNIT_REVIEW_TASK).first()
    unit_task = unit_task or UnitReviewTask.objects.create(name=UNIT_REVIEW_TASK)
    guides = _workflow(GUIDE_WORKFLOW, unit_task)
    for directory in ServiceIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=directory, defaults={"workflow": guides})
    town_task = GroupApprovalTask.objects.filter(name=TOWN_REVIEW_TASK).first()
    town_task = town_task or GroupApprovalTask.objects.create(name=TOWN_REVIEW_TASK)
    town_task.groups.add(town_reviewers)
    town = _workflow(TOWN_WORKFLOW, town_task)
    root = Page.get_first_root_node()
    if root is not None:
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": town})


@transaction.atomic
def sync_groups() -> None:
    """Every unit's groups, the town reviewers and the workflows, as the units and sections stand."""
    adopt_wagtail_defaults()
    town_reviewers = sync_town_reviewers()
    for unit in ResponsibleUnit.objects.select_related("editors_group", "reviewers_group"):
        sync_unit(unit)
    sync_workflows(town_reviewers)
