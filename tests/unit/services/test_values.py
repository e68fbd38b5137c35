"""Time limits as guides state them."""

from __future__ import annotations

import pytest

from services.values import TimeLimit


@pytest.mark.parametrize(
    "text, unit, value, shown",
    [
        ("20个工作日", "工作日", 20, "20个工作日"),
        ("15 自然日", "自然日", 15, "15个自然日"),
        ("即办", "即办", None, "即办"),
        ("无", "无", None, "无法定时限"),
    ],
)
def test_parse_and_show(text, unit, value, shown):
    limit = TimeLimit.parse(text)
    assert (limit.unit, limit.value, str(limit)) == (unit, value, shown)


@pytest.mark.parametrize("text", ["二十个工作日", "0个工作日", "20天", "", "尽快"])
def test_unreadable_limits_are_refused(text):
    with pytest.raises(ValueError):
        TimeLimit.parse(text)


@pytest.mark.parametrize(
    "promised, statutory, exceeds",
    [
        ("20个工作日", "30个工作日", False),
        ("30个工作日", "20个工作日", True),
        ("即办", "5个工作日", False),
        ("10个工作日", "即办", True),
        ("10个工作日", "30个自然日", False),
        ("30个工作日", "30个自然日", True),
        ("20个工作日", "无", False),
    ],
)
def test_promised_against_statutory(promised, statutory, exceeds):
    assert TimeLimit.parse(promised).exceeds(TimeLimit.parse(statutory)) is exceeds
