"""Fixed vocabularies of a Chinese service guide and the time-limit value type.

These are national terms (事项类型, 办理层级, 网办深度 …) that do not vary by
town, so they are code-level choices, unlike the editable taxonomies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models


class ItemType(models.TextChoices):
    LICENSING = "行政许可", "行政许可"
    PAYMENT = "行政给付", "行政给付"
    CONFIRMATION = "行政确认", "行政确认"
    PUBLIC_SERVICE = "公共服务", "公共服务"
    OTHER_POWER = "其他行政权力", "其他行政权力"


class Level(models.TextChoices):
    TOWN = "镇", "镇级（镇便民服务中心办理）"
    VILLAGE = "村", "村级（村、社区便民服务站受理或代办）"


class Audience(models.TextChoices):
    PERSON = "个人", "个人"
    ORGANISATION = "法人", "法人"
    BOTH = "个人|法人", "个人和法人"


class OnlineMode(models.TextChoices):
    FULLY_ONLINE = "全程网办", "全程网办"
    PRE_REVIEW = "网上预审", "网上预审"
    COUNTER = "窗口办理", "窗口办理"


class MaterialForm(models.TextChoices):
    ORIGINAL = "原件", "原件"
    COPY = "复印件", "复印件"
    BOTH = "原件和复印件", "原件和复印件"


class MaterialMedium(models.TextChoices):
    PAPER = "纸质", "纸质"
    ELECTRONIC = "电子", "电子"
    EITHER = "纸质或电子", "纸质或电子"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "工作日", "工作日"
    CALENDAR_DAYS = "自然日", "自然日"
    IMMEDIATE = "即办", "即办"
    NONE = "无", "无法定时限"


_LIMIT_RE = re.compile(r"^\s*(\d{1,3})\s*个?\s*(工作日|自然日)\s*$")


@dataclass(frozen=True)
class TimeLimit:
    """A time limit as guides state it: N 工作日, N 自然日, 即办, or 无."""

    unit: str
    value: int | None = None

    @classmethod
    def parse(cls, text: str) -> TimeLimit:
        """Parse '20个工作日', '15 自然日', '即办' or '无'; raise ValueError otherwise."""
        text = (text or "").strip()
        if text in {"即办", "当场办结", "立即办结"}:
            return cls(LimitUnit.IMMEDIATE)
        if text in {"无", "无法定时限"}:
            return cls(LimitUnit.NONE)
        match = _LIMIT_RE.match(text)
        if not match:
            raise ValueError(f"时限 {text!r} 应写成“20个工作日”“15个自然日”“即办”或“无”")
        value = int(match.group(1))
        if value < 1:
            raise ValueError(f"时限 {text!r} 的天数至少为 1；当场办结请写“即办”")
        return cls(match.group(2), value)

    def __str__(self) -> str:
        if self.unit == LimitUnit.IMMEDIATE:
            return "即办"
        if self.unit == LimitUnit.NONE:
            return "无法定时限"
        return f"{self.value}个{self.unit}"

    @property
    def is_immediate(self) -> bool:
        return self.unit == LimitUnit.IMMEDIATE

    def max_calendar_days(self) -> float | None:
        """Longest calendar span the limit can cover; weekends counted, holidays ignored.

        N working days started on a Saturday span N + 2 * ceil(N / 5) calendar days.
        """
        if self.unit == LimitUnit.IMMEDIATE:
            return 0
        if self.unit == LimitUnit.CALENDAR_DAYS:
            return float(self.value or 0)
        if self.unit == LimitUnit.WORKING_DAYS:
            n = self.value or 0
            return float(n + 2 * -(-n // 5))
        return None

    def min_calendar_days(self) -> float | None:
        """Shortest calendar span: N working days started on a Monday, N + 2 * floor((N - 1) / 5)."""
        if self.unit == LimitUnit.WORKING_DAYS:
            n = self.value or 0
            return float(n + 2 * ((n - 1) // 5)) if n else 0.0
        return self.max_calendar_days()

    def exceeds(self, other: TimeLimit) -> bool:
        """True when this (promised) limit is certainly longer than ``other`` (statutory)."""
        if other.unit == LimitUnit.NONE or self.unit == LimitUnit.NONE:
            return False
        if self.unit == other.unit and self.value is not None and other.value is not None:
            return self.value > other.value
        mine, theirs = self.min_calendar_days(), other.max_calendar_days()
        if mine is None or theirs is None:
            return False
        return mine > theirs


PHONE_RE = re.compile(r"^(0\d{2,3}-\d{7,8}(-\d{1,6})?|1\d{10}|12345|400-?\d{3}-?\d{4})$")


def phone_has_area_code(phone: str) -> bool:
    return bool(re.match(r"^0\d{2,3}-\d{7,8}", phone or ""))
