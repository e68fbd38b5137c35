"""load_catalog: counts, idempotence, edits as revisions, and refusal of bad files."""

from __future__ import annotations

import filecmp
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from home.models import TownSettings
from places.models import PlacePage
from services.models import (
    CertificateEntryPage,
    CertificateListPage,
    LifeEvent,
    ResponsibleUnit,
    ServiceCategory,
    ServiceItemPage,
)
from tests.loadcounts import items, load_counts

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # one transaction, constraints and rollback behave per engine

SHARED = settings.BASE_DIR.parent / "shared" / "catalog"


def load(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("load_catalog", *[str(a) for a in args], stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def snapshot() -> tuple:
    """Everything a failed import must leave exactly as it was."""
    return (
        Page.objects.count(),
        Revision.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "title", "live")),
        list(ServiceItemPage.objects.order_by("pk").values_list("code", "import_fingerprint")),
        ServiceCategory.objects.count(),
        LifeEvent.objects.count(),
        ResponsibleUnit.objects.count(),
    )


def test_the_demo_catalog_is_loaded(site):
    root = site.root_page
    assert ServiceItemPage.objects.live().descendant_of(root).count() == 147
    assert CertificateEntryPage.objects.live().descendant_of(root).count() == 28
    assert PlacePage.objects.live().descendant_of(root).count() == 28
    assert CertificateListPage.objects.live().count() == 2
    assert ServiceCategory.objects.count() == 15
    assert LifeEvent.objects.count() == 13
    town = TownSettings.for_site(site)
    assert town.town_name == "清河镇"
    assert town.service_hall.specific.code == "OF-H01"


def test_every_item_is_handled_somewhere_and_village_items_at_every_point():
    for item in ServiceItemPage.objects.all():
        assert item.item_places.exists(), item.code
    points = set(PlacePage.objects.filter(kind="village_point").values_list("code", flat=True))
    assert len(points) == 12
    for item in ServiceItemPage.objects.filter(level="村"):
        assert {row.place.specific.code for row in item.item_places.all()} == points, item.code


def test_certificate_notes_become_links_to_items():
    entry = CertificateEntryPage.objects.get(code="ZM-N-11")
    assert {"QH-GA-004", "QH-ZH-002"} <= set(entry.related_items.values_list("code", flat=True))


def test_windows_sit_under_the_hall():
    hall = PlacePage.objects.get(code="OF-H01")
    windows = PlacePage.objects.child_of(hall)
    assert windows.count() == 11
    assert all(w.kind == "window" for w in windows)


def test_loading_twice_changes_nothing():
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert items(output) == (0, 0, 147)
    assert load_counts(output)["places"] == (0, 0, 28)
    assert load_counts(output)["certificates"] == (0, 0, 28)


def test_an_edited_file_updates_those_pages_as_new_revisions(catalog_copy):
    path = catalog_copy / "service-items.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("社会保障卡申领,", "社会保障卡（第三代）申领,", 1), encoding="utf-8")
    item = ServiceItemPage.objects.get(code="QH-RS-007")
    other = ServiceItemPage.objects.get(code="QH-RS-008")
    revisions_before = item.revisions.count()
    other_revisions_before = other.revisions.count()

    output = load(catalog_copy)

    item.refresh_from_db()
    assert item.title == "社会保障卡（第三代）申领"
    assert item.revisions.count() == revisions_before + 1
    assert item.live_revision == item.get_latest_revision()
    assert other.revisions.count() == other_revisions_before
    assert items(output) == (0, 1, 146)


def test_admin_edits_survive_a_reload_of_an_unchanged_catalog():
    item = ServiceItemPage.objects.get(code="QH-MZ-011")
    item.summary = "编辑在后台补充的简介"
    item.save_revision().publish()
    load()
    item.refresh_from_db()
    assert item.summary == "编辑在后台补充的简介"


def test_dry_run_writes_nothing(catalog_copy):
    path = catalog_copy / "service-items.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("低保", "低保金", 1), encoding="utf-8")
    before = snapshot()
    output = load(catalog_copy, dry_run=True)
    assert items(output)[1] == 1 and "dry run: nothing was written" in output
    assert snapshot() == before


def test_dry_run_says_field_by_field_what_would_change(catalog_copy):
    corrupt_items(catalog_copy, "社会保障卡申领,", "社会保障卡（第三代）申领,")
    lines = load(catalog_copy, dry_run=True).splitlines()
    assert "~ QH-RS-007 社会保障卡申领" in lines
    assert "    名称: “社会保障卡申领” → “社会保障卡（第三代）申领”" in lines


def test_every_coded_page_records_what_it_was_imported_with():
    for model in (ServiceItemPage, PlacePage, CertificateEntryPage, CertificateListPage):
        assert not model.objects.filter(import_snapshot={}).exists(), model
    item = ServiceItemPage.objects.get(code="QH-MZ-001")
    assert item.import_snapshot["title"] == item.title
    assert item.import_snapshot["fields"]["summary"] == item.summary
    assert item.import_snapshot["refs"]["category"] == item.category.name
    assert [row["title"] for row in item.import_snapshot["children"]["steps"]] == [s.title for s in item.steps.all()]
    assert [s.sort_order for s in item.steps.all()] == list(range(item.steps.count()))


def test_a_field_edited_in_the_admin_and_changed_in_the_file_is_a_conflict(catalog_copy):
    place = PlacePage.objects.get(code="OF-W01")
    place.phone = "0517-86819998"
    place.address = "后台改过的地址"
    place.save_revision().publish()
    path = catalog_copy / "offices.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("一楼1号窗口,0517-86810001", "一楼1号窗口,0517-86810011", 1), encoding="utf-8")

    output = load(catalog_copy)

    assert load_counts(output)["places"] == (0, 0, 28)
    assert "  OF-W01 咨询电话: admin “0517-86819998” | file “0517-86810011”" in output.splitlines()
    place.refresh_from_db()
    assert (place.phone, place.address) == ("0517-86819998", "后台改过的地址")
    assert load_counts(load(catalog_copy, take_file=True))["places"][:2] == (0, 1)
    place.refresh_from_db()
    assert (place.phone, place.address) == ("0517-86810011", "后台改过的地址")


def test_force_rewrites_every_page_overwriting_admin_edits():
    item = ServiceItemPage.objects.get(code="QH-MZ-011")
    imported = item.summary
    item.summary = "编辑在后台补充的简介"
    item.save_revision().publish()
    output = load(force=True)
    assert "conflict" not in output
    item.refresh_from_db()
    assert item.summary == imported


def test_a_full_guide_fills_every_field(catalog_copy, full_guide_content):
    load(catalog_copy, content=full_guide_content)
    item = ServiceItemPage.objects.get(code="QH-MZ-001")
    assert item.summary.startswith("家庭收入低于低保标准")
    assert [c.text for c in item.conditions.all()] == [
        "家庭月人均收入低于当地最低生活保障标准",
        "家庭财产状况符合县民政部门规定的条件",
    ]
    assert [(m.name, m.form, m.copies, m.medium, m.required) for m in item.materials.all()] == [
        ("最低生活保障申请书", "原件", 1, "纸质", True),
        ("残疾人证", "原件和复印件", 2, "纸质或电子", False),
    ]
    assert item.materials.first().blank_form.title == "dibao-application"
    assert [s.title for s in item.steps.all()] == ["申请", "审核", "公示", "确认"]
    assert str(item.statutory_limit) == "30个工作日" and str(item.promised_limit) == "20个工作日"
    assert [p.code for p in item.places_in_order()][:2] == ["OF-W01", "OF-V01"]
    assert len(item.places_in_order()) == 13
    assert item.related_certificates.get().code == "ZM-N-17"
    assert item.related_items.get().code == "QH-MZ-006"
    assert "吃低保" in item.keyword_list()
    assert item.faqs.count() == 2 and item.legal_bases.count() == 2
    assert str(item.last_reviewed) == "2026-10-15"
    # And the guide is idempotent too.
    assert items(load(catalog_copy, content=full_guide_content))[2] == 147


def test_shipped_catalog_copy_matches_the_shared_reference():
    if not SHARED.is_dir():
        pytest.skip("shared/catalog is not beside this checkout")
    shipped = settings.CONTENT_DIR / "catalog"
    names = ["service-items.csv", "certificates.csv", "offices.csv"]
    match, mismatch, errors = filecmp.cmpfiles(SHARED, shipped, names, shallow=False)
    assert match == names, f"content/catalog differs from shared/catalog: {mismatch + errors}"


# -- bad input ---------------------------------------------------------------------


def corrupt_items(catalog: Path, old: str, new: str) -> None:
    path = catalog / "service-items.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_ITEMS = [
    (
        "unknown category",
        ("QH-RS-001,城乡居民基本养老保险参保登记,社会保险", "QH-RS-001,城乡居民基本养老保险参保登记,社会保障"),
        "service-items.csv:2: 未知的服务分类 '社会保障'",
    ),
    ("malformed code", ("QH-RS-002,", "QH-RS-2,"), "service-items.csv:3: 编码 'QH-RS-2' 格式不对"),
    ("duplicate code", ("QH-RS-003,", "QH-RS-001,"), "service-items.csv:4: 编码重复：QH-RS-001（第 2 行已有）"),
    ("missing name", ("QH-RS-004,城乡居民养老保险待遇申领,", "QH-RS-004,,"), "service-items.csv:5: 缺少事项名称 name"),
    (
        "bad item type",
        (",行政给付,镇,全程网办,0,养老退休", ",行政奖励,镇,全程网办,0,养老退休"),
        "service-items.csv:5: 未知的事项类型 '行政奖励'",
    ),
    (
        "trips for online item",
        (
            "社会保险,镇人社服务所,公共服务,镇,全程网办,0,养老退休,个人,居民养老保险",
            "社会保险,镇人社服务所,公共服务,镇,全程网办,2,养老退休,个人,居民养老保险",
        ),
        "service-items.csv:2: 全程网办的事项最多跑次数应为 0",
    ),
]


@pytest.mark.parametrize("label, change, message", BAD_ITEMS, ids=[b[0] for b in BAD_ITEMS])
def test_bad_item_rows_are_refused_with_line_and_reason(catalog_copy, label, change, message):
    corrupt_items(catalog_copy, *change)
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert message in err.getvalue()
    assert "nothing was written" in str(exc.value)
    assert snapshot() == before


def test_a_gbk_encoded_file_is_refused(catalog_copy):
    path = catalog_copy / "service-items.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "service-items.csv:2: 不是 UTF-8 编码" in err.getvalue()
    assert "GBK" in err.getvalue()
    assert snapshot() == before


def test_a_missing_column_is_refused(catalog_copy):
    path = catalog_copy / "offices.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines[:1]) + "\n" + "\n".join(lines[1:]))
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "offices.csv:1: 缺少列：departments_served" in err.getvalue()
    assert snapshot() == before


def test_a_row_with_the_wrong_number_of_cells_is_refused(catalog_copy):
    path = catalog_copy / "certificates.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "ZM-N-03,不应出具,只有三列"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "certificates.csv:4: 应有 6 列，实际 3 列" in err.getvalue()


def test_certificate_notes_must_name_real_items(catalog_copy):
    path = catalog_copy / "certificates.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("QH-GA-010 开具无犯罪记录证明", "QH-GA-099 开具无犯罪记录证明"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "certificates.csv:6: 备注提到的事项编码不在 service-items.csv 中：QH-GA-099" in err.getvalue()


def test_all_problems_are_reported_at_once(catalog_copy):
    corrupt_items(catalog_copy, "QH-RS-002,", "QH-RS-2,")
    corrupt_items(catalog_copy, "QH-RS-004,城乡居民养老保险待遇申领,", "QH-RS-004,,")
    with pytest.raises(CommandError) as exc:
        call_command("load_catalog", str(catalog_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    # The nameless row's guide is not reported again; the renamed code's guide is orphaned.
    assert err.getvalue().splitlines() == [
        "service-items.csv:3: 编码 'QH-RS-2' 格式不对，应形如 QH-MZ-001（大写字母-大写字母-三位数字）",
        "service-items.csv:5: 缺少事项名称 name",
        "QH-RS-002.yaml: 编码 QH-RS-002 不在 service-items.csv 中",
    ]
    assert "3 problem(s) found" in str(exc.value)


BAD_GUIDES = [
    ("yaml syntax", "code: QH-MZ-001\nsteps: [\n  - title: 申请\n", "QH-MZ-001.yaml:"),
    ("unknown key", "code: QH-MZ-001\nsumary: 错别字\n", "QH-MZ-001.yaml: sumary: Extra inputs are not permitted"),
    ("bad copies", "code: QH-MZ-001\nmaterials:\n  - name: 身份证\n    copies: 0\n", "materials[0].copies"),
    ("bad limit", "code: QH-MZ-001\ntime_limit:\n  statutory: 尽快\n", "time_limit.statutory: 时限 '尽快' 应写成"),
    ("unknown place", "code: QH-MZ-001\nplaces: [OF-W99]\n", "places: OF-W99 不在 offices.csv 中"),
    ("wrong file name", "code: QH-MZ-002\n", "文件名应与编码一致：QH-MZ-002.yaml"),
    ("town item on town item", "code: QH-MZ-001\ntown_item: QH-MZ-006\n", "town_item 只用于村级代办事项"),
    (
        "conditional without condition",
        "code: QH-MZ-001\nmaterials:\n  - name: 残疾人证\n    required: false\n",
        "required: false 的材料必须写 condition",
    ),
]


@pytest.mark.parametrize("label, text, message", BAD_GUIDES, ids=[b[0] for b in BAD_GUIDES])
def test_bad_guides_are_refused(content_copy, label, text, message):
    guides = content_copy / "guides"
    guides.mkdir(exist_ok=True)
    (guides / "QH-MZ-001.yaml").write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("load_catalog", content=str(content_copy), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert message in err.getvalue()
    assert snapshot() == before


def test_migrations_match_the_models():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_a_second_town_loads_into_its_own_site(catalog_copy, content_copy):
    from wagtail.models import Site

    from home.models import HomePage

    town = content_copy / "town.yaml"
    town.write_text(
        town.read_text(encoding="utf-8").replace("town_name: 清河镇", "town_name: 柳河镇"), encoding="utf-8"
    )
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="柳河镇", slug="liuhe"))
    other = Site.objects.create(hostname="liuhe.example.cn", port=80, root_page=home)
    first_town_items = ServiceItemPage.objects.count()

    output = load(catalog_copy, content=content_copy, site="liuhe.example.cn")

    assert items(output)[0] == 147
    assert ServiceItemPage.objects.descendant_of(home).count() == 147
    assert ServiceItemPage.objects.count() == first_town_items + 147
    assert TownSettings.for_site(other).town_name == "柳河镇"
    default = Site.objects.get(is_default_site=True)
    assert TownSettings.for_site(default).town_name == "清河镇"


def test_an_unknown_site_is_refused():
    with pytest.raises(CommandError, match="找不到站点"):
        load(site="nowhere.example.cn")
