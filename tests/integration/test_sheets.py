"""Clarity sheets (明白纸): every kind is a real, tagged PDF of the right size whose QR code scans."""

from __future__ import annotations

import io
import json
import os
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from places.models import PlacePage
from services.models import CertificateListPage, ServiceItemPage
from sheets import production
from sheets import render as sheet_render
from sheets.editions import current_edition, ensure_edition
from sheets.fonts import missing_characters
from sheets.html import qr_target, text_size
from sheets.models import RenderedSheet
from sheets.pages import all_keys
from tests.pdfcheck import A3, A4, font_unicode_maps, is_size, qr_codes, read

pytestmark = pytest.mark.django_db

PUBLIC = "https://qinghe.example"  # content/town.yaml public_address: QR codes point there


def get_pdf(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response, bytes(response.content)


def check_sheet(pdf: bytes, page, *, size=A4) -> None:
    """Every sheet: tagged zh-CN PDF with a title, right size, title and code in its text, QR to its page."""
    facts = read(pdf)
    assert all(is_size(s, size) for s in facts.sizes), facts.sizes
    assert facts.lang == "zh-CN" and facts.tagged and facts.has_structure and facts.declares_pdf_ua
    assert page.title in facts.title
    first = facts.texts[0].replace("\n", "")
    assert page.title in first and page.code in first
    edition = current_edition(page)
    assert qr_codes(pdf) == [qr_target(PUBLIC, page.code, edition.number)]
    assert f"第{edition.number}版" in first.replace(" ", "")


def shortest_and_longest_items():
    items = {p.code: p for p in ServiceItemPage.objects.live()}
    sizes = {code: text_size(ensure_edition(page).snapshot) for code, page in items.items()}
    ordered = sorted(sizes, key=sizes.get)
    return items[ordered[0]], items[ordered[-1]]


def test_a_short_item_sheet_is_one_a4_page_in_reading_order(client):
    short, _long = shortest_and_longest_items()
    response, pdf = get_pdf(client, f"/sheets/{short.code}.pdf")
    check_sheet(pdf, short)
    facts = read(pdf)
    assert facts.pages == 1 == int(response["X-Sheet-Pages"])
    text = facts.text
    order = [text.find(label) for label in ("这是什么事", "谁可以办", "要带什么", "怎么办", "时限和收费", "到哪里办")]
    present = [position for position in order if position >= 0]
    assert present == sorted(present) and len(present) >= 5
    assert "清河镇" in text and "本站为演示数据" in text


def test_the_longest_guide_is_one_page_that_says_what_it_left_out(client, site):
    _short, long = shortest_and_longest_items()
    response, pdf = get_pdf(client, f"/sheets/{long.code}.pdf")
    check_sheet(pdf, long)
    facts = read(pdf)
    assert facts.pages == 1 == int(response["X-Sheet-Pages"])
    flat = facts.text.replace("\n", "")
    assert "（续）" not in flat
    record = production.get_sheet(site, long.code).record
    assert record.body_pt >= 14
    # Whatever is left out is said in its section (另有3项材料，扫码查看全部), and every material is counted.
    for lost in record.left_out:
        assert f"另有{lost}，扫码查看全部" in flat
    counted = sum(int(lost[: -len("项材料")]) for lost in record.left_out if lost.endswith("项材料"))
    materials = list(long.materials.all())
    printed = [m for m in materials if (m.sheet_text or m.name)[:6] in flat]  # its short form, else its name
    assert len(printed) + counted == len(materials)


@pytest.mark.parametrize("code", ["ZM-N", "ZM-Y"])
def test_certificate_list_sheets(client, code):
    page = CertificateListPage.objects.get(code=code)
    _response, pdf = get_pdf(client, f"/sheets/{code}.pdf")
    check_sheet(pdf, page)
    facts = read(pdf)
    flat = facts.text.replace("\n", "")
    for entry in page.entries():
        assert entry.title[:8] in flat
    heading = "不再开证明，改为这样办" if code == "ZM-N" else "用途和出具程序"
    assert heading in flat
    # The 8 certificates that may be issued fit one page; the 20 with their alternatives are split into
    # two parts, each a whole sheet with the title and QR code (第1部分，共2部分), never continued (续).
    expected = {"ZM-N": 2, "ZM-Y": 1}[code]
    assert facts.pages == int(_response["X-Sheet-Pages"]) == expected
    assert "（续）" not in flat
    for index in range(1, expected + 1):
        text = facts.texts[index - 1].replace("\n", "")
        assert page.title in text and code in text
        if expected > 1:
            assert f"第{index}部分，共{expected}部分" in text


def test_certificate_poster_is_one_a3_page_with_both_lists_and_two_qr_codes(client):
    _response, pdf = get_pdf(client, "/sheets/poster/ZM-A3.pdf")
    facts = read(pdf)
    assert facts.pages == 1 and is_size(facts.sizes[0], A3)
    assert facts.lang == "zh-CN" and facts.tagged and facts.declares_pdf_ua and "证明事项清单" in facts.title
    flat = facts.text.replace("\n", "")
    assert "清河镇村（社区）证明事项清单" in flat and "ZM-Y" in flat and "ZM-N" in flat
    lists = [CertificateListPage.objects.get(code=code) for code in ("ZM-Y", "ZM-N")]
    expected = {qr_target(PUBLIC, p.code, current_edition(p).number) for p in lists}
    assert set(qr_codes(pdf, scale=2)) == expected


@pytest.mark.parametrize("code", ["OF-H01", "OF-W03", "OF-C01", "OF-V05"])
def test_place_sheets(client, code):
    place = PlacePage.objects.get(code=code)
    response, pdf = get_pdf(client, f"/sheets/{code}.pdf")
    check_sheet(pdf, place)
    facts = read(pdf)
    assert facts.pages == int(response["X-Sheet-Pages"]) == 1
    flat = facts.text.replace("\n", "")
    assert place.phone in flat and "办公时间" in flat


@pytest.mark.slow
@pytest.mark.engine  # PDFs in a BinaryField, editions numbered under a unique constraint
def test_village_pack_has_cover_contents_and_every_part(client, site, monkeypatch):
    point = PlacePage.objects.get(code="OF-V03")
    parts = production.pack_editions(site, point)
    # Each part's own sheet, as publishing renders it; the pack then lays each out as it fitted, never searching again.
    part_pages = [production.get_sheet(site, edition.code).record.pages for edition in parts]
    monkeypatch.setattr(production, "fit", lambda *a, **k: pytest.fail("a part already rendered was fitted again"))
    response, pdf = get_pdf(client, "/sheets/pack/OF-V03.pdf")
    facts = read(pdf)
    assert [e.code for e in parts][-3:] == ["ZM-Y", "ZM-N", "OF-H01"]
    assert len(parts) == point.handled_items().count() + 3
    assert all(is_size(size, A4) for size in facts.sizes) and facts.tagged and facts.lang == "zh-CN"
    cover = facts.texts[0]
    assert point.title in cover and point.code in cover and point.phone in cover and "目录" in cover
    # The contents give each part's first page (code, title, page in cells), and that page carries the code.
    contents = re.sub(r"\s+", "", "".join(facts.texts[:2]))
    for edition in parts[:3] + parts[-3:]:
        title = re.sub(r"\s+", "", edition.snapshot["title"])
        match = re.search(re.escape(edition.code) + re.escape(title) + r"(\d+)", contents)
        assert match, edition.code
        assert edition.code in facts.texts[int(match.group(1)) - 1].replace("\n", "")
    # Every part keeps the pages of its own sheet, after a cover whose length the contents tell.
    first = re.search(
        re.escape(parts[0].code) + re.escape(re.sub(r"\s+", "", parts[0].snapshot["title"])) + r"(\d+)", contents
    )
    assert facts.pages == int(response["X-Sheet-Pages"]) == int(first.group(1)) - 1 + sum(part_pages)
    assert qr_codes(pdf, 0) == [qr_target(PUBLIC, point.code, current_edition(point).number)]


def test_unknown_codes_and_wrong_kinds_are_404_pages(client):
    for url in (
        "/sheets/QH-XX-999.pdf",
        "/sheets/ZM-Q.pdf",
        "/sheets/OF-Z99.pdf",
        "/sheets/pack/OF-H01.pdf",
        "/sheets/x.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "text/html" in response["Content-Type"]


def test_a_draft_only_item_has_no_sheet(client):
    page = ServiceItemPage.objects.get(code="QH-RS-002")
    page.unpublish()
    assert client.get("/sheets/QH-RS-002.pdf").status_code == 404


@pytest.mark.engine  # PDFs in a BinaryField, editions numbered under a unique constraint
def test_cached_sheet_is_served_without_rendering(client, monkeypatch):
    get_pdf(client, "/sheets/OF-W01.pdf")
    monkeypatch.setattr(sheet_render, "render_sheet", lambda *a, **k: pytest.fail("rendered again"))
    monkeypatch.setattr(production, "render_sheet", lambda *a, **k: pytest.fail("rendered again"))
    monkeypatch.setattr(production, "render_with_limit", lambda *a, **k: pytest.fail("rendered again"))
    response, _pdf = get_pdf(client, "/sheets/OF-W01.pdf")
    etag = response["ETag"]
    assert client.get("/sheets/OF-W01.pdf", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.engine  # PDFs in a BinaryField, editions numbered under a unique constraint
def test_render_failure_serves_the_last_good_sheet_else_a_clear_error(
    client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    page = ServiceItemPage.objects.get(code="QH-RS-003")
    _response, good = get_pdf(client, "/sheets/QH-RS-003.pdf")

    def broken(*args, **kwargs):
        def explode(level):
            raise RuntimeError("template exploded")

        return explode

    monkeypatch.setattr(production, "sheet_html", broken)
    page.summary = page.sheet_summary = "改过的简介，需要重新生成明白纸。"  # the sheet prints the short form
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()  # new edition; its render fails in the task and again below
    response = client.get("/sheets/QH-RS-003.pdf")
    assert response.status_code == 200 and response["X-Sheet-Fallback"] == "1"
    assert bytes(response.content) == good
    assert "rendering sheet QH-RS-003 failed" in caplog.text

    RenderedSheet.objects.filter(key="OF-W02").delete()
    response = client.get("/sheets/OF-W02.pdf")
    assert response.status_code == 503 and response["Retry-After"]
    assert "明白纸暂时无法生成" in response.content.decode()


def _slow_render():
    time.sleep(30)


def _crash():
    os._exit(3)


def test_a_render_over_the_time_limit_is_stopped_and_the_renderer_recovers():
    started = time.perf_counter()
    with pytest.raises(sheet_render.RenderTimeout):
        sheet_render.render_with_limit(_slow_render, timeout=0.5)
    assert time.perf_counter() - started < 5
    with pytest.raises(sheet_render.RenderError, match="died"):
        sheet_render.render_with_limit(_crash, timeout=5)
    html = '<html lang="zh-CN"><head><title>好</title></head><body><p>恢复了</p></body></html>'
    rendered = sheet_render.render_with_limit(sheet_render.render_levels, dict.fromkeys(sheet_render.LEVELS, html))
    assert rendered.pages == 1 and "恢复了" in read(rendered.pdf).text


@pytest.mark.engine  # PDFs in a BinaryField, editions numbered under a unique constraint
def test_publishing_makes_a_new_edition_and_old_sheets_show_what_changed(client, django_capture_on_commit_callbacks):
    page = ServiceItemPage.objects.get(code="QH-RS-004")
    first = ensure_edition(page)
    page.summary = "年满60周岁的参保人，按月领取城乡居民基本养老金。"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    current = current_edition(page)
    assert current.number == first.number + 1
    # The publish task already rendered the new edition.
    assert RenderedSheet.objects.filter(key="QH-RS-004", edition=current).exists()
    _response, pdf = get_pdf(client, "/sheets/QH-RS-004.pdf")
    assert qr_codes(pdf) == [qr_target(PUBLIC, page.code, current.number)]

    html = client.get(f"{page.url}?sheet={first.number}").content.decode()
    expected = f"您扫描的明白纸是第 {first.number} 版（{first.month_label}），当前为第 {current.number} 版"
    assert expected in html
    assert "这是什么事" in html.split(expected)[1].split("</div>")[0]
    for fresh in (f"?sheet={current.number}", "", "?sheet=abc"):
        assert "您扫描的明白纸" not in client.get(page.url + fresh).content.decode()


@pytest.mark.engine  # PDFs in a BinaryField, editions numbered under a unique constraint
def test_publishing_an_unchanged_page_keeps_the_edition(django_capture_on_commit_callbacks):
    page = ServiceItemPage.objects.get(code="QH-RS-005")
    first = ensure_edition(page)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert current_edition(page).number == first.number


def test_changing_a_place_renews_the_sheets_that_show_its_hours(monkeypatch, django_capture_on_commit_callbacks):
    from sheets import tasks

    queued: list[str] = []  # the low-priority renewals a worker would render (packs take seconds each)
    monkeypatch.setattr(tasks, "queue_renewals", lambda site_id, keys: queued.extend(keys))
    window = PlacePage.objects.get(code="OF-W03")
    items = list(window.handled_items())
    before = {item.code: ensure_edition(item).number for item in items}
    window.hours_note = "每月最后一个周五下午内部盘点，暂停办理"
    with django_capture_on_commit_callbacks(execute=True):
        window.save_revision().publish()
    for item in items:
        assert current_edition(item).number == before[item.code] + 1
        assert "每月最后一个周五" in str(current_edition(item).snapshot)
    # The window's own sheet is rendered at once; every item sheet that shows its hours is queued.
    assert RenderedSheet.objects.filter(key="OF-W03", edition=current_edition(window)).exists()
    assert {item.code for item in items} <= set(queued)


def test_pages_with_a_sheet_link_to_it(client):
    for code, extra in (
        ("QH-RS-001", None),
        ("ZM-N", "/sheets/poster/ZM-A3.pdf"),
        ("OF-V02", "/sheets/pack/OF-V02.pdf"),
    ):
        page = (
            ServiceItemPage.objects.filter(code=code).first()
            or CertificateListPage.objects.filter(code=code).first()
            or PlacePage.objects.get(code=code)
        )
        html = client.get(page.url).content.decode()
        assert f'href="/sheets/{code}.pdf"' in html and "打印明白纸" in html
        if extra:
            assert extra in html


def test_build_sheets_writes_pdfs_and_reports_failures_at_the_end(tmp_path):
    with pytest.raises(CommandError, match="1 sheet"):
        call_command(
            "build_sheets",
            "QH-RS-001",
            "QH-XX-999",
            "OF-W01",
            out=tmp_path,
            jobs=1,
            allow_demo_address=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert read((tmp_path / "QH-RS-001.pdf").read_bytes()).pages >= 1
    assert read((tmp_path / "OF-W01.pdf").read_bytes()).pages == 1


def test_build_sheets_refuses_unclear_arguments():
    with pytest.raises(CommandError, match="either --all or"):
        call_command("build_sheets")


def test_all_codes_cover_every_item_list_place_pack_and_the_poster(site):
    codes = all_keys(site)
    assert {p.code for p in ServiceItemPage.objects.live()} <= set(codes)
    assert {"ZM-N", "ZM-Y", "poster:ZM"} <= set(codes)
    assert {p.code for p in PlacePage.objects.live()} <= set(codes)
    points = PlacePage.objects.live().filter(kind="village_point")
    assert {f"pack:{p.code}" for p in points} <= set(codes)
    assert len(codes) == len(set(codes)) == 147 + 2 + PlacePage.objects.live().count() + points.count() + 1


RARE = "䶮堃喆赟镕珺昇翀燊犇淼"  # common in personal names, outside GB2312 or rare
EXTENSION_B = "𠅤𪚥𡒄"  # CJK Extension B: only the fallback font has them
TRADITIONAL = "臺灣鄉鎮證明戶籍醫療"


def test_rare_traditional_and_extension_characters_render_with_real_glyphs():
    text = RARE + EXTENSION_B + TRADITIONAL
    html = f'<html lang="zh-CN"><head><title>字形</title></head><body><p>{text}</p></body></html>'
    pdf = sheet_render.write_pdf(sheet_render.layout(html))
    drawn = set().union(*font_unicode_maps(pdf).values())
    assert set(text) <= drawn, set(text) - drawn
    assert missing_characters(text) == []


def test_characters_no_font_has_are_reported():
    assert missing_characters("证明\U0010fffd") == ["\U0010fffd"]


def test_every_character_in_the_demo_content_is_in_the_sheet_fonts():
    snapshots = [ensure_edition(page).snapshot for page in ServiceItemPage.objects.live()]
    text = json.dumps(snapshots, ensure_ascii=False)
    assert missing_characters(text) == []


def test_the_sheet_panel_names_characters_no_font_can_print(admin_client):
    page = ServiceItemPage.objects.get(code="QH-RS-006")
    page.summary = "领取待遇前确认资格（申请人姓名中的\U0010fffd字请到窗口核对）"
    page.save_revision().publish()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "有字打印不出来" in html and "\U0010fffd" in html
    other = ServiceItemPage.objects.get(code="QH-RS-007")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[other.pk])).content.decode()
    assert "有字打印不出来" not in html
    assert "明白纸：第" in html or "明白纸尚未生成" in html


def test_a_pack_not_yet_built_is_queued_not_rendered_in_the_request(client, settings):
    settings.TASKS = settings.TASKS | {"sheets": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never run
    RenderedSheet.objects.filter(key="pack:OF-V07").delete()
    response = client.get("/sheets/pack/OF-V07.pdf")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "资料包正在生成" in response.content.decode()
    assert not RenderedSheet.objects.filter(key="pack:OF-V07").exists()
