"""load_catalog never silently overwrites an admin edit: field by field against the import snapshot."""

from __future__ import annotations

import pytest

from catalog.fieldvalues import snapshot_values
from catalog.management.commands.load_catalog import Command
from services.models import ServiceItemPage
from tests.loadcounts import items

pytestmark = pytest.mark.django_db

CODE = "XZ-MZ-001"
GUIDE = "guides/XZ-MZ-001.yaml"


def item(code: str = CODE) -> ServiceItemPage:
    return ServiceItemPage.objects.get(code=code)


def edit_in_admin(code: str = CODE, **values) -> ServiceItemPage:
    page = item(code)
    for name, value in values.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def test_every_import_records_the_values_it_wrote(mini_catalog):
    snapshot = item().import_snapshot
    values = snapshot_values(snapshot)
    assert values["title"] == "小镇低保申请"
    assert values["summary"] == "家庭收入低于低保标准的小镇居民，可申请低保。"
    assert values["category"] == "小镇社会救助" and values["related_certificates"] == ["ZM-Y-01"]
    assert values["steps"] == [
        {"title": "申请", "description": "到便民服务中心申请", "sheet_text": ""},
        {"title": "审核", "description": "入户调查", "sheet_text": ""},
    ]
    assert set(snapshot) == {"title", "fields", "refs", "children"}


def test_a_field_changed_in_the_file_only_is_updated(mini_catalog):
    mini_catalog.edit(GUIDE, "result: 低保金按月发放", "result: 低保金按月打入社保卡")
    revisions = item().revisions.count()
    output = mini_catalog.load()
    assert items(output) == (0, 1, 1)
    assert "conflict" not in output
    page = item()
    assert page.result_name == "低保金按月打入社保卡"
    assert page.revisions.count() == revisions + 1
    assert snapshot_values(page.import_snapshot)["result_name"] == "低保金按月打入社保卡"


def test_an_admin_edit_is_kept_when_the_file_changes_another_field(mini_catalog):
    edit_in_admin(summary="后台补充的简介。")
    mini_catalog.edit(GUIDE, "result: 低保金按月发放", "result: 低保金按月打入社保卡")
    output = mini_catalog.load()
    assert items(output)[1] == 1 and "conflict" not in output
    page = item()
    assert (page.summary, page.result_name) == ("后台补充的简介。", "低保金按月打入社保卡")
    # The snapshot still holds the file's summary: the admin edit stays an admin edit.
    assert snapshot_values(page.import_snapshot)["summary"] == "家庭收入低于低保标准的小镇居民，可申请低保。"


def test_an_admin_edit_survives_an_unchanged_catalog_without_a_write(mini_catalog):
    page = edit_in_admin(summary="后台补充的简介。")
    revisions = page.revisions.count()
    assert items(mini_catalog.load())[1:] == (0, 2)
    assert item().summary == "后台补充的简介。" and item().revisions.count() == revisions


def test_a_field_changed_in_both_is_a_conflict_reported_and_kept_until_taken(mini_catalog):
    edit_in_admin(summary="后台补充的简介。")
    mini_catalog.edit(GUIDE, "summary: 家庭收入", "summary: 文件改过：家庭收入")

    dry = mini_catalog.load("--dry-run")
    conflict_line = (
        "  XZ-MZ-001 一句话简介: admin “后台补充的简介。” | "
        "file “文件改过：家庭收入低于低保标准的小镇居民，可申请低保。”"
    )
    assert conflict_line in dry.splitlines()
    assert "kept the admin's value (--take-file takes the file's)" in dry
    assert "    一句话简介: conflict, kept as edited in the admin" in dry.splitlines()
    assert item().summary == "后台补充的简介。"

    output = mini_catalog.load()
    assert conflict_line in output.splitlines()
    assert items(output)[1] == 0  # nothing else changed: no new revision
    assert item().summary == "后台补充的简介。"
    # Reported again at every import until the file and the page agree, or the file's value is taken.
    assert conflict_line in mini_catalog.load().splitlines()

    taken = mini_catalog.load("--take-file")
    assert "took the file's value" in taken and items(taken)[1] == 1
    assert item().summary == "文件改过：家庭收入低于低保标准的小镇居民，可申请低保。"
    assert "conflict" not in mini_catalog.load()


def test_the_same_change_in_both_is_no_conflict(mini_catalog):
    edit_in_admin(summary="两边一样的新简介。")
    mini_catalog.edit(GUIDE, "summary: 家庭收入低于低保标准的小镇居民，可申请低保。", "summary: 两边一样的新简介。")
    output = mini_catalog.load()
    assert "conflict" not in output and items(output)[1] == 0
    assert snapshot_values(item().import_snapshot)["summary"] == "两边一样的新简介。"


def test_lists_and_relations_are_fields_too(mini_catalog):
    page = item()
    page.steps.first().delete()  # the admin removed the first step
    edit_in_admin(keywords="低保、吃低保、后台加的说法")
    mini_catalog.edit(GUIDE, "  - {title: 审核, description: 入户调查}", "  - {title: 审批, description: 入户调查}")
    mini_catalog.edit("service-items.csv", "低保|吃低保", "低保|吃低保|文件加的说法")
    output = mini_catalog.load("--dry-run")
    assert (
        "  XZ-MZ-001 办理环节: admin “1 项：第1项 审核 入户调查” | "
        "file “2 项：第1项 申请 到便民服务中心申请；第2项 审批 入户调查”" in output
    )
    assert "  XZ-MZ-001 群众常用说法: admin “低保、吃低保、后台加的说法” | file “低保、吃低保、文件加的说法”" in output


def test_dry_run_says_field_by_field_what_would_change_and_writes_nothing(mini_catalog):
    mini_catalog.edit("service-items.csv", "XZ-MZ-002,小镇高龄津贴", "XZ-MZ-002,小镇高龄津贴发放")
    mini_catalog.edit(GUIDE, "statutory: 30个工作日", "statutory: 25个工作日")
    output = mini_catalog.load("--dry-run")
    lines = output.splitlines()
    assert "~ XZ-MZ-002 小镇高龄津贴" in lines
    assert "    名称: “小镇高龄津贴” → “小镇高龄津贴发放”" in lines
    assert "    承诺时限天数: “20” → “20”" not in lines
    assert "    法定时限天数: “30” → “25”" in lines
    assert "dry run: nothing was written" in lines
    assert item("XZ-MZ-002").title == "小镇高龄津贴"


def test_force_rewrites_from_the_file_and_says_it_overwrites_admin_edits(mini_catalog):
    edit_in_admin(summary="后台补充的简介。")
    output = mini_catalog.load("--force")
    assert "conflict" not in output
    assert item().summary == "家庭收入低于低保标准的小镇居民，可申请低保。"
    text = " ".join(Command().create_parser("manage.py", "load_catalog").format_help().split())
    assert "OVERWRITES ALL ADMIN EDITS" in text
    assert "--take-file" in text


def test_pages_imported_before_snapshots_existed(mini_catalog):
    # As the last import left it, but without a snapshot: the next import records one, writing nothing else.
    page = item()
    ServiceItemPage.objects.filter(pk=page.pk).update(import_snapshot={})
    revisions = page.revisions.count()
    assert items(mini_catalog.load())[1] == 0
    assert snapshot_values(item().import_snapshot)["summary"] == page.summary
    assert item().revisions.count() == revisions
    # With a changed source and no snapshot, the file wins as it always did.
    ServiceItemPage.objects.filter(pk=page.pk).update(import_snapshot={})
    edit_in_admin(summary="后台补充的简介。", import_snapshot={})
    mini_catalog.edit(GUIDE, "result: 低保金按月发放", "result: 低保金按月打入社保卡")
    assert "conflict" not in mini_catalog.load()
    assert item().summary == "家庭收入低于低保标准的小镇居民，可申请低保。"
