"""Printing a page from the browser: no sheet of paper with only the footer, and
links that a reader can type in, at the town's public address."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

PUBLIC = "https://qinghe.example"  # content/town.yaml public_address
PAGES = {  # one page of each kind that prints long enough to need a second sheet
    "guide": "/services/qh-mz-001/",
    "town hall": "/places/of-h01/",
    "home": "/",
    "certificate list": "/certificates/zm-y/",
}
NO_FOOTER = ".site-footer, .guide-footer { display: none !important; }"


def printed(page) -> tuple[int, str]:
    """(sheets of A4, the text on them) as Chromium prints the page."""
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return len(reader.pages), "\n".join(sheet.extract_text() for sheet in reader.pages)


@pytest.mark.parametrize("kind", PAGES)
def test_no_printed_sheet_holds_only_the_footer(journey, kind):
    page = journey().page
    page.goto(PAGES[kind])
    sheets, _ = printed(page)
    page.add_style_tag(content=NO_FOOTER)
    without_footer, _ = printed(page)
    # If the footers had a sheet to themselves, taking them away would save a sheet.
    assert sheets == without_footer, f"{kind}: {sheets} sheets, {without_footer} without the footer"


def test_printed_links_carry_the_public_address(journey):
    page = journey().page
    page.goto(PAGES["guide"])
    page.emulate_media(media="print")
    local_links = page.locator('main a[href^="/"]:visible').count()  # not the contents list etc., unprinted
    sheets, text = printed(page)
    flat = re.sub(r"\s+", "", text)
    assert local_links > 5
    assert flat.count(f"({PUBLIC}/") == local_links
    assert "localhost" not in flat and "127.0.0.1" not in flat
    assert "(/" not in flat  # no bare path without a host
    assert f"{PUBLIC}/services/qh-mz-001/" in flat  # the page's own address, above its title
    assert sheets <= 5, f"QH-MZ-001 prints on {sheets} sheets"
