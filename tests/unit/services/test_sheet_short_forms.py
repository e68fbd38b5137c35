"""The clarity sheet's short forms on a guide: the fields, their place on the edit form, and the advisory rule."""

from __future__ import annotations

import pytest

from services.models import Condition, Material, ServiceItemPage, Step
from services.quality import blocking_problems, check_item
from tests.unit.towns import TOWN_ITEM

pytestmark = pytest.mark.django_db

LONG_CONDITION = (
    "家庭月人均收入低于县人民政府公布的低保标准（示例：每人每月860元，以县民政局当年公布的标准为准），"
    "家庭财产状况也符合县里的规定"
)


def sheet_problems(item) -> list[str]:
    return [f"{p.label}: {p.rule}" for p in check_item(item) if "明白纸" in p.rule]


def test_the_short_forms_are_optional_and_default_to_the_full_guide(small_town):
    item = small_town[TOWN_ITEM]
    assert item.sheet_summary == item.sheet_eligibility == ""
    assert [c.sheet_text for c in item.conditions.all()] == ["", ""]
    assert [s.sheet_text for s in item.steps.all()] == ["", ""]
    assert [m.on_sheet for m in item.materials.all()] == [True, True]
    assert sheet_problems(item) == []


def test_each_short_form_sits_beside_its_full_text_on_the_edit_form():
    def panel_fields(model) -> list[list[str]]:
        rows = []
        for panel in model.panels:
            children = getattr(panel, "children", None)
            rows.append([getattr(child, "field_name", None) for child in children] if children else [panel.field_name])
        return rows

    assert ["text", "sheet_text"] in panel_fields(Condition)
    assert ["title", "sheet_text"] in panel_fields(Step)
    assert ["notes", "on_sheet"] in panel_fields(Material)
    assert ["name", "sheet_text"] in panel_fields(Material)
    basics = [getattr(panel, "field_name", None) for panel in ServiceItemPage.basics_panels]
    assert basics.index("sheet_summary") == basics.index("summary") + 1
    applying = [getattr(panel, "field_name", None) for panel in ServiceItemPage.applying_panels]
    assert applying.index("sheet_eligibility") == applying.index("eligibility") + 1
    assert "只用于明白纸" in ServiceItemPage._meta.get_field("sheet_eligibility").help_text
    for model, name in (
        (Condition, "sheet_text"),
        (Step, "sheet_text"),
        (Material, "on_sheet"),
        (Material, "sheet_text"),
    ):
        assert "只用于明白纸" in model._meta.get_field(name).help_text
    assert "只用于明白纸" in ServiceItemPage._meta.get_field("sheet_summary").help_text


def test_a_long_condition_without_its_short_form_is_an_advisory_problem(small_town):
    item = small_town[TOWN_ITEM]
    item.conditions = [Condition(text=LONG_CONDITION), Condition(text="家庭财产符合规定")]
    problems = sheet_problems(item)
    assert problems == [
        f"受理条件第1项: 条件有 {len(LONG_CONDITION)} 字，明白纸上放不下，建议填写“明白纸上的简写”（30 字以内）"
    ]
    assert blocking_problems(item) == []  # advisory: publishing goes on
    item.conditions = [
        Condition(text=LONG_CONDITION, sheet_text="月人均收入低于低保标准，家庭财产状况也符合县里的规定")
    ]
    assert sheet_problems(item) == []


def test_short_forms_longer_than_one_line_are_advisory_problems(small_town):
    item = small_town[TOWN_ITEM]
    item.sheet_summary = "长" * 41
    item.conditions = [Condition(text="家庭财产符合规定", sheet_text="长" * 31)]
    item.steps = [Step(title="申请", description="到窗口申请", sheet_text="长" * 21)]
    item.materials = [Material(name="身份证", sheet_text="长" * 25)]
    assert sheet_problems(item) == [
        "明白纸上的一句话简介: 明白纸上的一句话简介 41 字，建议不超过 40 字",
        "受理条件第1项: 明白纸上的简写 31 字，建议不超过 30 字",
        "办理流程第1项: 明白纸上的一句话 21 字，建议不超过 20 字",
        "申请材料第1项: 明白纸上的简写 25 字，建议不超过 24 字",
    ]
    assert all(not p.blocking for p in check_item(item))


def test_a_long_eligibility_needs_its_one_line_short_form(small_town):
    item = small_town[TOWN_ITEM]
    item.eligibility = "共同生活的家庭成员中有人户籍在本镇的困难家庭，由一名家庭成员作为申请人；" * 2
    assert sheet_problems(item) == [
        f"明白纸上的申请对象: 申请对象有 {len(item.eligibility)} 字，明白纸上放不下，"
        "建议填写“明白纸上的申请对象”（28 字以内）"
    ]
    item.sheet_eligibility = "长" * 29
    assert sheet_problems(item) == ["明白纸上的申请对象: 明白纸上的申请对象 29 字，建议不超过 28 字"]
    item.sheet_eligibility = "本镇户籍的困难家庭"
    assert sheet_problems(item) == [] and blocking_problems(item) == []
