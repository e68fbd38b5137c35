"""The field-by-field rule (catalog.merge): the page now, the base it was imported or exported with, the file."""

from __future__ import annotations

import pytest

from catalog.fieldvalues import digest, display, display_pair
from catalog.merge import CONFLICT, KEEP, TAKE, UPDATE, base_digests, compare

BASE = {"summary": "原来的简介"}


def outcomes(current: str, incoming: str, base: dict | None = BASE, take_file: bool = False) -> list[str]:
    changes = compare(
        {"summary": current},
        {"summary": incoming},
        base_digests(base) if base is not None else None,
        take_file=take_file,
        label=lambda key: "一句话简介",
    )
    return [c.outcome for c in changes]


@pytest.mark.parametrize(
    "current, incoming, expected",
    [
        ("原来的简介", "原来的简介", []),  # nothing changed anywhere
        ("原来的简介", "文件改的简介", [UPDATE]),  # changed in the file only: updated
        ("后台改的简介", "原来的简介", [KEEP]),  # edited in the admin only: kept
        ("后台改的简介", "文件改的简介", [CONFLICT]),  # changed in both: a conflict, kept
        ("同样的新简介", "同样的新简介", []),  # changed in both to the same value: no conflict
    ],
    ids=["unchanged", "file only", "admin only", "both", "both alike"],
)
def test_the_rule_for_each_case(current, incoming, expected):
    assert outcomes(current, incoming) == expected


def test_a_conflict_takes_the_file_value_only_when_asked():
    assert outcomes("后台改的简介", "文件改的简介", take_file=True) == [TAKE]
    assert outcomes("原来的简介", "文件改的简介", take_file=True) == [UPDATE]
    assert outcomes("后台改的简介", "原来的简介", take_file=True) == [KEEP]


def test_without_a_base_every_difference_is_updated_as_before_snapshots():
    assert outcomes("后台改的简介", "文件改的简介", base=None) == [UPDATE]
    assert outcomes("相同", "相同", base=None) == []


def test_a_key_missing_from_the_base_is_compared_without_one():
    assert outcomes("后台改的简介", "文件改的简介", base={}) == [UPDATE]


def test_a_change_carries_label_values_and_what_writes():
    (change,) = compare({"summary": "后台"}, {"summary": "文件"}, {"summary": digest("原来")}, label=lambda k: "简介")
    assert (change.key, change.label, change.current, change.incoming) == ("summary", "简介", "后台", "文件")
    assert change.is_conflict and not change.writes
    (update,) = compare({"summary": "原来"}, {"summary": "文件"}, {"summary": digest("原来")})
    assert update.writes and not update.is_conflict


def test_lists_of_rows_compare_as_a_whole_and_show_only_the_rows_that_differ():
    old = [{"title": "申请", "description": "提交材料"}, {"title": "审核", "description": "入户调查"}]
    new = [{"title": "申请", "description": "提交材料"}, {"title": "审批", "description": "入户调查"}]
    (change,) = compare({"steps": old}, {"steps": new}, {"steps": digest(old)})
    assert change.outcome == UPDATE
    assert display_pair(old, new) == ("2 项：第2项 审核 入户调查", "2 项：第2项 审批 入户调查")


def test_values_read_well():
    assert display(None) == display("") == display([]) == "（空）"
    assert display(True) == "是"
    assert display(["养老退休", "身后事"]) == "养老退休、身后事"
    assert display("长" * 100, limit=10) == "长" * 9 + "…"
    assert display([{"name": "身份证", "copies": 2, "required": False}]) == "1 项：身份证 2份 非必须"


def test_digests_are_stable_and_order_free_for_mappings():
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})
    assert digest("1") != digest(1)
