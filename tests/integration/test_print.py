"""Printing a page from a real browser (headless Chromium) gives a clean document."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from home.models import TownSettings
from services.models import ServiceItemPage
from tests.pdfcheck import A4, is_size, read

pytestmark = pytest.mark.django_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; scripts/bootstrap.sh installs it")
        pytest.skip("Chromium is not installed")
    return CHROMIUM


def print_to_pdf(chromium: str, html: str, folder: Path) -> bytes:
    """Save the page with its real stylesheet beside it and let Chromium print it."""
    css = Path(settings.BASE_DIR, "static", "css", "portal.css")
    html = html.replace('href="/static/css/portal.css"', f'href="{css.as_uri()}"')
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    output = folder / "page.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={output}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return output.read_bytes()


def test_printing_a_service_page_drops_navigation_and_shows_addresses(client, chromium, tmp_path):
    item = ServiceItemPage.objects.get(code="QH-MZ-001")
    html = client.get(item.url).content.decode()
    assert "主导航" in html and "打印明白纸" in html  # present on screen
    facts = read(print_to_pdf(chromium, html, tmp_path))
    # Skia maps glyphs Noto shares with radicals to the radicals (⽣ for 生); NFKC undoes most of that.
    text = unicodedata.normalize("NFKC", facts.text).replace("\n", "")
    assert all(is_size(size, A4) for size in facts.sizes)
    assert item.title in text and "申请材料" in text
    for screen_only in ("跳到正文", "办事地点通知公告", "打印明白纸", "本页目录"):
        assert screen_only not in text, screen_only
    public = TownSettings.for_site(item.get_site()).public_base()  # content/town.yaml: not the local host
    assert public and "localhost" not in public
    assert f"网址:{public}{item.get_url_parts()[2]}" in text  # NFKC turns the full-width colon into ":"
    assert f"({public}/" in text and "(/" not in text  # local links print with the public address
