"""Sheets print the town's public address: short, scannable QR codes, and no print batch with a demo address."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import segno
import zxingcpp
from django.core.management import CommandError, call_command
from PIL import Image

from home.models import TownSettings
from sheets import production
from sheets.batch import BatchReport
from sheets.editions import ensure_edition, refresh_edition
from sheets.html import Presentation
from sheets.management.commands import build_sheets
from sheets.qr import QUIET_ZONE, is_demo_url, is_printable_address, qr_svg, short_address
from tests.pdfcheck import read
from tests.unit.towns import TOWN_ITEM, url_path

PUBLIC = "https://bianmin.qinghe.gov.cn"
DPI = 150


def set_address(town, address: str) -> None:
    settings = TownSettings.objects.get(pk=town.settings.pk)
    settings.public_address = address
    settings.save()


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [code for code in zxingcpp.read_barcodes(image) if "QR" in str(code.format)]


def printed(data: str, millimetres: float) -> Image.Image:
    """The QR code as printed at ``millimetres`` (quiet zone included) and scanned at 150 dpi."""
    code = segno.make(data, error="q", micro=False)
    modules = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    pixels = round(millimetres / 25.4 * DPI)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=1, border=QUIET_ZONE)
    small = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    assert small.size == (modules, modules)
    return small.resize((pixels, pixels), Image.Resampling.BILINEAR)  # blurred edges, as a print is


# -- which addresses can be printed ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://qinghe.example/",
        "https://qinghe.example:8443",
        "http://portal.test",
        "http://x.invalid",
        "http://demo.localhost:8000",
        "https://example.com",
        "https://www.example.org/town",
        "http://localhost:8000",
        "http://127.0.0.1",
        "",
    ],
)
def test_local_and_demo_addresses_are_not_printable(url):
    assert not is_printable_address(url)


@pytest.mark.parametrize(
    "url", [PUBLIC, "https://qinghe.gov.cn/portal", "http://examples.cn", "https://notexample.com"]
)
def test_real_addresses_are_printable(url):
    assert is_printable_address(url)
    assert not is_demo_url(url)


# -- the QR code: short, quartile error correction, four-module quiet zone ------------


def test_the_qr_code_has_a_four_module_quiet_zone_and_quartile_error_correction():
    data = short_address(PUBLIC, "QH-MZ-001", 12)
    assert data == f"{PUBLIC}/s/QH-MZ-001/12"
    code = segno.make(data, error="q", micro=False)
    svg = qr_svg(data)
    size = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    assert f'viewBox="0 0 {size} {size}"' in svg and size == code.symbol_size(scale=1, border=0)[0] + 8
    assert code.version <= 4 and code.error in ("Q", "H")  # 33 modules or fewer: 0.8 mm each at 33 mm


# 33 mm as first designed; sheet.css now gives the code 27 mm on a sheet and 20 mm on the A3 poster.
@pytest.mark.parametrize("millimetres", [33, 27, 20])
def test_the_printed_code_scans_at_150_dpi(millimetres):
    data = short_address(PUBLIC, "QH-MZ-001", 123)
    found = decode(printed(data, millimetres))
    assert [code.text for code in found] == [data]
    assert found[0].ec_level in ("Q", "H")


# -- /s/<code>/<edition>: the short address redirects to the page -----------------------


def test_the_short_address_redirects_to_the_page_with_the_edition(client, small_town):
    page = small_town[TOWN_ITEM]
    response = small_town.get(client, f"/s/{TOWN_ITEM}/3")
    assert response.status_code == 302
    assert response["Location"] == f"{url_path(page)}?sheet=3"
    assert small_town.get(client, f"/s/{TOWN_ITEM.lower()}/3/")["Location"] == f"{url_path(page)}?sheet=3"


def test_the_short_address_follows_a_slug_change(client, small_town):
    page = small_town[TOWN_ITEM]
    page.slug = "zuidi-shenghuo-baozhang"
    page.save_revision().publish()
    response = small_town.get(client, f"/s/{TOWN_ITEM}/1")
    assert response.status_code == 302 and response["Location"] == "/services/zuidi-shenghuo-baozhang/?sheet=1"
    assert small_town.get(client, response["Location"]).status_code == 200


def test_the_short_address_stays_in_the_requests_town(client, small_town, other_town):
    theirs = other_town[TOWN_ITEM]  # the same code in the neighbouring town, at another address
    theirs.slug = "linzhen-dibao"
    theirs.save_revision().publish()
    assert small_town.get(client, f"/s/{TOWN_ITEM}/1")["Location"] == f"{url_path(small_town[TOWN_ITEM])}?sheet=1"
    assert other_town.get(client, f"/s/{TOWN_ITEM}/1")["Location"] == "/services/linzhen-dibao/?sheet=1"


def test_an_unknown_code_is_the_normal_not_found_page(client, small_town):
    response = small_town.get(client, "/s/UT-XX-999/1")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_resident_with_an_old_sheet_is_told_what_changed(client, small_town):
    page = small_town[TOWN_ITEM]
    first = ensure_edition(page)
    page.summary = "为家庭人均收入低于当地低保标准的家庭提供基本生活保障（已更新）。"
    page.save_revision().publish()
    assert refresh_edition(page).number == first.number + 1
    response = small_town.get(client, f"/s/{TOWN_ITEM}/{first.number}", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][1] == 302
    assert f"您扫描的明白纸是第 {first.number} 版" in html and "这是什么事" in html


# -- a rendered sheet: the QR code scans to the short address, which opens the page -----


def test_a_printed_sheet_scans_to_the_short_address_of_its_page(client, small_town):
    import pypdfium2

    set_address(small_town, PUBLIC + "/")
    page = small_town[TOWN_ITEM]
    served = production.produce(small_town.site, TOWN_ITEM)
    edition = ensure_edition(page)
    document = pypdfium2.PdfDocument(bytes(served.record.pdf))
    try:
        image = document[0].render(scale=DPI / 72).to_pil()
    finally:
        document.close()
    found = decode(image)
    assert [code.text for code in found] == [f"{PUBLIC}/s/{TOWN_ITEM}/{edition.number}"]
    assert found[0].ec_level in ("Q", "H")
    assert "演示地址" not in read(bytes(served.record.pdf)).texts[0]

    path = found[0].text.removeprefix(PUBLIC)
    response = small_town.get(client, path, follow=True)
    assert response.redirect_chain == [(f"{url_path(page)}?sheet={edition.number}", 302)]
    assert response.status_code == 200 and page.title in response.content.decode()


def test_a_sheet_with_a_demo_address_says_so_in_its_footer(small_town):
    set_address(small_town, "https://qinghe.example/")
    presentation = Presentation.for_site(small_town.site)
    assert presentation.public_base == "https://qinghe.example" and presentation.demo_address
    served = production.produce(small_town.site, TOWN_ITEM)
    text = read(bytes(served.record.pdf)).texts[0].replace("\n", "")
    assert "演示地址，二维码不能在外网打开" in text


def test_without_a_public_address_a_local_site_is_a_demo_address(small_town):
    set_address(small_town, "")
    small_town.site.hostname, small_town.site.port = "localhost", 8000
    small_town.site.save()
    presentation = Presentation.for_site(small_town.site)
    assert presentation.public_base == "http://localhost:8000" and presentation.demo_address


# -- build_sheets: no print batch with a local or demo address --------------------------


@pytest.fixture
def batches(monkeypatch) -> list[dict]:
    """Stands in for the renderer: records each batch build_sheets starts."""
    calls: list[dict] = []

    def build_all(site, codes, *, jobs, out, on_done=None):
        calls.append({"site": site.hostname, "codes": codes, "out": out})
        return BatchReport(done=list(codes), pages=dict.fromkeys(codes, 1))

    monkeypatch.setattr(build_sheets, "build_all", build_all)
    return calls


@pytest.mark.parametrize("address", ["https://qinghe.example/", "http://localhost:8000/", "https://example.com/"])
def test_build_sheets_refuses_to_print_with_a_demo_address(small_town, batches, tmp_path: Path, address):
    set_address(small_town, address)
    with pytest.raises(CommandError, match="对外网址还是本机或演示地址") as refused:
        call_command("build_sheets", TOWN_ITEM, out=tmp_path / "print", site=small_town.hostname, stdout=io.StringIO())
    assert address in str(refused.value) and "--allow-demo-address" in str(refused.value)
    assert batches == [] and not (tmp_path / "print").exists()


def test_build_sheets_prints_a_demo_batch_when_allowed_and_says_so(small_town, batches, tmp_path: Path):
    set_address(small_town, "https://qinghe.example/")
    err = io.StringIO()
    call_command(
        "build_sheets",
        TOWN_ITEM,
        out=tmp_path,
        site=small_town.hostname,
        allow_demo_address=True,
        stdout=io.StringIO(),
        stderr=err,
    )
    assert [batch["codes"] for batch in batches] == [[TOWN_ITEM]]
    assert "演示地址" in err.getvalue()


def test_build_sheets_prints_with_a_real_address_and_warms_the_cache_with_any(small_town, batches, tmp_path: Path):
    set_address(small_town, PUBLIC)
    call_command("build_sheets", TOWN_ITEM, out=tmp_path, site=small_town.hostname, stdout=io.StringIO())
    set_address(small_town, "https://qinghe.example/")
    call_command("build_sheets", TOWN_ITEM, site=small_town.hostname, stdout=io.StringIO())  # no --out: cache only
    assert [batch["out"] for batch in batches] == [tmp_path, None]
