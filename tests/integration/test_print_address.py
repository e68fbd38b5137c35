"""The demo town's sheets: QR codes on its (demo) public address that scan at 150 dpi and open the page;
no print batch with that address unless asked for."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from home.models import TownSettings
from services.models import CertificateListPage, ServiceItemPage
from sheets.editions import current_edition
from tests.pdfcheck import qr_codes, read

pytestmark = pytest.mark.django_db

PUBLIC = "https://qinghe.example"  # content/town.yaml public_address


def path_of(page) -> str:
    """The page's path on its own site (``page.url`` is a full address once a test adds a second site)."""
    return page.get_url_parts()[2]


def test_the_posters_codes_scan_at_150_dpi_and_open_their_lists(client):
    response = client.get("/sheets/poster/ZM-A3.pdf")
    assert response.status_code == 200
    found = qr_codes(bytes(response.content), scale=150 / 72)
    lists = {page.code: page for page in CertificateListPage.objects.live()}
    assert sorted(found) == sorted(f"{PUBLIC}/s/{code}/{current_edition(page).number}" for code, page in lists.items())
    for address in found:
        code, number = address.removeprefix(f"{PUBLIC}/s/").split("/")
        redirect = client.get(address.removeprefix(PUBLIC))
        assert redirect.status_code == 302 and redirect["Location"] == f"{path_of(lists[code])}?sheet={number}"


def test_an_item_sheet_on_the_demo_address_says_so_and_its_code_opens_the_page(client):
    page = ServiceItemPage.objects.get(code="QH-MZ-002")
    pdf = bytes(client.get(f"/sheets/{page.code}.pdf").content)
    number = current_edition(page).number
    assert qr_codes(pdf, scale=150 / 72) == [f"{PUBLIC}/s/QH-MZ-002/{number}"]
    assert "演示地址，二维码不能在外网打开" in read(pdf).texts[0].replace("\n", "")
    response = client.get(f"/s/QH-MZ-002/{number}", follow=True)
    assert response.status_code == 200 and response.redirect_chain == [(f"{path_of(page)}?sheet={number}", 302)]


def test_build_sheets_will_not_print_the_demo_town_without_the_flag(tmp_path, site):
    assert TownSettings.for_site(site).public_address == f"{PUBLIC}/"
    with pytest.raises(CommandError, match=r"对外网址还是本机或演示地址（https://qinghe\.example/）"):
        call_command("build_sheets", "--all", out=tmp_path, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
