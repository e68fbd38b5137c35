"""Guide quality rules: a good guide passes, and each rule catches a broken one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from services.models import FAQ, Condition, LegalBasis, Material, ServiceItemPage, Step
from services.quality import check_item

MUST_NOT = {"亲属关系证明": "ZM-N-01", "居民财产证明": "ZM-N-17"}


def good_guide(**overrides) -> ServiceItemPage:
    """An in-memory guide that meets every rule; tests break one thing at a time."""
    item = ServiceItemPage(
        code="QH-MZ-001",
        title="最低生活保障申请",
        item_type="行政给付",
        level="镇",
        summary="家庭收入低于低保标准的本镇户籍家庭，可申请每月领取低保金。",
        online_mode="全程网办",
        max_trips=0,
        statutory_limit_unit="工作日",
        statutory_limit_value=30,
        promised_limit_unit="工作日",
        promised_limit_value=20,
        consultation_phone="0517-86810005",
        complaint_phone="0517-86810099",
    )
    item.conditions = [Condition(text="家庭月人均收入低于当地最低生活保障标准")]
    item.materials = [Material(name="居民身份证", form="原件", copies=1, medium="纸质", source="申请人自备")]
    item.steps = [Step(title="申请", description="到窗口或网上提交")]
    item.legal_bases = [LegalBasis(document="《社会救助暂行办法》", article="第九条")]
    item.faqs = [FAQ(question="低保金什么时候发？", answer="每月10日前打卡发放。")]
    for name, value in overrides.items():
        setattr(item, name, value)
    return item


def problems(item) -> list[tuple[str, str]]:
    return [(p.field, p.rule) for p in check_item(item, MUST_NOT)]


def test_a_good_guide_has_no_problems():
    assert problems(good_guide()) == []


BROKEN = [
    (
        "online item with trips",
        {"max_trips": 1, "trips_reason": "需到现场"},
        "max_trips",
        "全程网办的事项最多跑次数应为 0",
    ),
    ("trips without reason", {"online_mode": "窗口办理", "max_trips": 1}, "trips_reason", "须写明需要到现场的原因"),
    (
        "charged without standard",
        {"fee_charged": True, "fee_basis": "《居民身份证法》"},
        "fee_standard",
        "收费事项须写明收费标准",
    ),
    (
        "charged with 无",
        {"fee_charged": True, "fee_standard": "无", "fee_basis": "文件"},
        "fee_standard",
        "收费事项须写明收费标准",
    ),
    (
        "charged without basis",
        {"fee_charged": True, "fee_standard": "工本费20元"},
        "fee_basis",
        "收费事项须写明收费依据",
    ),
    ("free shown as 无", {"fee_standard": "无"}, "fee_standard", "不收费的事项应显示“不收费”"),
    ("no consultation phone", {"consultation_phone": ""}, "consultation_phone", "缺少咨询电话"),
    ("no complaint phone", {"complaint_phone": ""}, "complaint_phone", "缺少监督投诉电话"),
    ("phone without area code", {"complaint_phone": "12345"}, "complaint_phone", "须带区号"),
    ("same phones", {"complaint_phone": "0517-86810005"}, "complaint_phone", "不能与咨询电话相同"),
    ("promised over statutory", {"promised_limit_value": 40}, "promised_limit", "超过法定时限"),
    (
        "no statutory limit",
        {"statutory_limit_unit": "", "statutory_limit_value": None},
        "statutory_limit",
        "缺少法定时限",
    ),
    ("no promised limit", {"promised_limit_unit": "", "promised_limit_value": None}, "promised_limit", "缺少承诺时限"),
    (
        "immediate by law, days promised",
        {"statutory_limit_unit": "即办", "statutory_limit_value": None, "promised_limit_value": 1},
        "promised_limit",
        "也应为“即办”",
    ),
    ("no summary", {"summary": ""}, "summary", "缺少一句话简介"),
    ("long summary", {"summary": "长" * 61}, "summary", "61 字，超过 60 字"),
]


@pytest.mark.parametrize("label, changes, field, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_rule_catches_its_broken_guide(label, changes, field, message):
    found = problems(good_guide(**changes))
    assert any(f == field and message in rule for f, rule in found), found


def test_catch_all_conditions_are_caught():
    item = good_guide()
    item.conditions = [Condition(text="年满80周岁"), Condition(text="符合其他法律法规规定的条件")]
    assert problems(item) == [("conditions[2]", "兜底条款“其他法律法规”不是居民能自己核对的条件，请写具体")]


def test_materials_need_name_form_and_copies():
    item = good_guide()
    item.materials = [Material(name="", form="", copies=0, medium="纸质")]
    assert {rule for _, rule in problems(item)} == {"材料缺少名称", "材料缺少原件/复印件说明", "材料缺少份数"}


def test_residents_are_not_sent_to_the_committee_for_a_banned_certificate():
    item = good_guide()
    item.materials = [
        Material(name="亲属关系证明", form="原件", copies=1, medium="纸质", source="村（居）委会出具"),
        Material(name="居民财产证明", form="原件", copies=1, medium="纸质", source="不动产登记机构查询"),
    ]
    assert problems(item) == [("materials[1]", "要求村（居）委会出具“亲属关系证明”，该证明在不应出具清单中（ZM-N-01）")]


def test_basis_and_steps_are_required():
    item = good_guide()
    item.legal_bases, item.steps = [], []
    assert problems(item) == [("legal_basis", "至少需要一条设定依据"), ("steps", "至少需要一个办理环节")]
    item.legal_bases = [LegalBasis(document="社会救助暂行办法")]
    item.steps = [Step(title="申请", description="提交")]
    assert problems(item) == [("legal_basis[1]", "依据文件名称应带书名号《》")]


def test_faq_minimums():
    item = good_guide()
    item.faqs = []
    assert problems(item) == [("faq", "至少需要 1 条常见问题")]
    licensing = good_guide(item_type="行政许可")
    assert problems(licensing) == [("faq", "行政许可事项至少需要 2 条常见问题，现有 1 条")]


def test_no_conditions_is_a_problem():
    item = good_guide()
    item.conditions = []
    assert problems(item) == [("conditions", "缺少受理条件")]


# -- the command and the admin report ------------------------------------------------


@pytest.mark.django_db
def test_check_guides_prints_one_line_per_problem_and_a_total():
    item = ServiceItemPage.objects.get(code="QH-HY-001")
    item.summary = ""
    item.save_revision().publish()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("check_guides", "QH-HY-001", stdout=out)
    assert exc.value.code == 1
    lines = out.getvalue().splitlines()
    assert "QH-HY-001 一句话简介: 缺少一句话简介" in lines
    assert lines[-1].startswith("1 items checked, ") and lines[-1].endswith(" problems")


@pytest.mark.django_db
def test_the_demo_content_passes_every_rule():
    out = io.StringIO()
    call_command("check_guides", stdout=out)
    assert out.getvalue().splitlines()[-1] == "147 items checked, 0 problems"


@pytest.mark.django_db
def test_check_guides_refuses_unknown_codes():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="QH-XX-999"):
        call_command("check_guides", "QH-XX-999", stdout=io.StringIO())


@pytest.mark.django_db
def test_admin_report_lists_problems_with_edit_links(admin_client):
    item = ServiceItemPage.objects.get(code="QH-HY-002")
    item.summary = "长" * 70
    item.save_revision().publish()
    html = admin_client.get(reverse("guide_quality_report") + "?code=QH-HY").content.decode()
    assert "办事指南质量检查" in html
    assert "一句话简介 70 字，超过 60 字" in html
    assert reverse("wagtailadmin_pages:edit", args=[item.pk]) in html
    export = admin_client.get(reverse("guide_quality_report") + "?code=QH-HY&export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8") if export.streaming else export.content.decode()
    assert "QH-HY-002" in body and "编码" in body
