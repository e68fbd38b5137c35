"""Residents on real phones (issue 11): every page at 360 px, narrow and zoomed screens, sizes, care mode, axe.

Drives the real portal in headless Chromium (Debian's, through the journeys' ``browser`` fixture):

1. every page of the demo site (the list comes from the server's database, see
   ``phones.site_pages``) at 360 px: no horizontal overflow, and a visible
   关怀版 link to ``/reading/care/?next=<this page>``;
2. one page of each kind at 320 px, at 200 % zoom (206 CSS px: a 412 px phone
   zoomed in) and with the browser's default font size doubled: no overflow;
3. on those pages in the standard view: text at least 16 px, tap targets at
   least 44×44 px, and a keyboard focus outline with 3:1 contrast;
4. care mode (关怀版): entered and left by its links, then body text 22 px
   (nothing under 18 px), line height 1.6, tap targets 60×60 px, text contrast
   7:1, one column, and a 朗读 button that speaks Chinese when the browser can;
5. axe-core (WCAG 2.0/2.1 A and AA and best practice) on every page type, in
   the standard view and in care mode;
6. with ``UPDATE_DOC_SCREENSHOTS=1``: the pictures in ``docs/images/residents/``.

The pages come from a second ``runserver`` on the journeys' database with
DEBUG off (``phones.resident_server``), as residents get them: with DEBUG on,
an unknown address shows Django's technical page instead of the portal's 404,
and pages render three times slower (no template cache). A page that fails a
check is photographed to ``var/screenshots/test_phones/<check>/``; the whole
file takes about 100 s on two cores.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from tests.browser import phones
from tests.browser.conftest import ARTIFACTS
from tests.catalog_db import BASE_DIR

pytestmark = pytest.mark.browser

DOC_IMAGES = BASE_DIR / "docs" / "images" / "residents"
SHOTS = ARTIFACTS / "test_phones"

CARE_ON = "/reading/care/"
CARE_OFF = "/reading/standard/"
# Records every utterance instead of speaking (headless Chromium has no voice to speak with).
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (utterance) {
    window.__spoken.push({ text: utterance.text, lang: utterance.lang });
  };
}
"""
# A browser without speech synthesis.
NO_SPEECH = """
delete window.speechSynthesis;
delete Window.prototype.speechSynthesis;
"""
READ_ALOUD = re.compile("朗读")


# --- fixtures --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resident(portal) -> Iterator[str]:
    """The portal as residents get it: a server with DEBUG off on the journeys' database."""
    shutil.rmtree(SHOTS, ignore_errors=True)  # pictures of failures from an earlier run
    SHOTS.mkdir(parents=True)
    with phones.resident_server(portal.env, SHOTS / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def site(portal) -> list[phones.SitePage]:
    return phones.site_pages(portal.env)


@pytest.fixture(scope="module")
def sample(site) -> dict[str, phones.SitePage]:
    return phones.samples(site)


class Tabs:
    """Browser contexts on the portal with the measuring script installed; server errors and script errors noted."""

    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url
        self.contexts: list = []
        self.problems: list[str] = []
        self.care_entry = ""  # what went wrong entering care mode, if it did

    def open(self, device: dict, *, init_scripts: tuple[str, ...] = ()):
        context = self.browser.new_context(base_url=self.url, locale="zh-CN", **device)
        context.set_default_timeout(30_000)
        context.add_init_script(phones.MEASURE)
        for script in init_scripts:
            context.add_init_script(script)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error on {page.url}: {error}"))
        page.on(
            "response",
            lambda response: (
                self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")
                if response.status >= 500
                else None
            ),
        )
        self.contexts.append(context)
        return page

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture(scope="module")
def tabs(browser, resident) -> Iterator[Tabs]:
    opened = Tabs(browser, resident)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def no_errors_on_the_way(tabs) -> Iterator[None]:
    """Whatever a test visits, no page may answer with a server error or throw a JavaScript error."""
    seen = len(tabs.problems)
    yield
    if len(tabs.problems) > seen:
        pytest.fail("\n".join(tabs.problems[seen:]), pytrace=False)


@pytest.fixture(scope="module")
def phone(tabs):
    """One 360 px phone tab in the standard view, reused by the checks that do not change its cookies."""
    return tabs.open(phones.PHONE)


@pytest.fixture(scope="module")
def care_phone(tabs):
    """A 360 px phone tab switched to care mode by its URL, recording what it would read aloud."""
    page = tabs.open(phones.PHONE, init_scripts=(RECORD_SPEECH,))
    entry = f"{CARE_ON}?next=/"
    response = page.goto(entry, wait_until="domcontentloaded")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    if cookies.get("care") != "1" or not in_care_mode(page):
        status = response.status if response else "no response"
        html_class = page.evaluate("document.documentElement.className")
        tabs.care_entry = (
            f"care mode not reached: GET {entry} ended with HTTP {status} at {page.url}, "
            f"cookies {cookies}, <html class={html_class!r}>"
        )
    return page


def require_care(tabs) -> None:
    if tabs.care_entry:
        pytest.fail(tabs.care_entry, pytrace=False)


def visit(page, target: phones.SitePage | str, *, check_status: bool = True) -> int:
    """Open a page and wait for its fonts; return the HTTP status (asserted to be the expected one unless told)."""
    url = target if isinstance(target, str) else target.url
    expected = 200 if isinstance(target, str) else target.status
    response = page.goto(url, wait_until="domcontentloaded")
    page.evaluate("document.fonts.ready.then(() => true)")
    got = response.status if response else 0
    assert got == expected or not check_status, f"{url} answered {got}, expected {expected}"
    return got


def in_care_mode(page) -> bool:
    return page.evaluate("document.documentElement.classList.contains('care')")


def none_of(problems: dict[str, list[str]], heading: str, limit: int = 12) -> None:
    """Fail with every problem listed by page (and no traceback to scroll past) when there is any."""
    if problems:
        pictures = f"pictures of the failing pages: {SHOTS}/<check>/"
        pytest.fail(f"{heading} ({pictures}):\n{phones.report(problems, limit=limit)}", pytrace=False)


def photograph(page, test: str, name: str) -> Path:
    folder = SHOTS / test
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w.-]+", "-", name).strip("-") or "page"
    path = folder / f"{slug[:80]}.png"
    page.screenshot(path=path, full_page=False, animations="disabled")
    return path


def each_sample(page, sample: dict, test: str, check: Callable[[object], list[str]], *, care: bool = False):
    """Run ``check(page)`` on every sample page; photograph and collect what it finds, by page."""
    problems: dict[str, list[str]] = {}
    for name, target in sample.items():
        visit(page, target)
        if care and not in_care_mode(page):
            problems[f"{name} {phones.path_of(target.url)}"] = ['not in care mode: <html> has no class "care"']
            continue
        found = check(page)
        if found:
            problems[f"{name} {phones.path_of(target.url)}"] = found
            photograph(page, test, name)
    return problems


# --- 0. the measurements themselves ------------------------------------------------------------------------

FAULTY_PAGE = """<!DOCTYPE html><html lang="zh-Hans"><head><meta name="viewport" content="width=device-width">
<style>
  body { margin: 0; font-size: 20px; line-height: 1.7; color: #111; }
  .hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .skip { position: absolute; left: -999px; }
  .crumbs { display: flex; gap: 8px; list-style: none; padding: 0; }
  .cards { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
  .cards div { background: #eef; padding: 8px; }
  .wide { width: 500px; }
  a.big { display: inline-block; min-width: 64px; min-height: 64px; }
  a:focus-visible { outline: 3px solid #f5a623; }
</style></head><body>
<a class="skip" href="#m">跳到正文</a>
<main id="m">
  <ol class="crumbs"><li><a class="big" href="/">首页</a></li><li><a class="big" href="/s/">事项</a></li></ol>
  <label class="hidden-label" for="q">想办什么事？</label><input id="q" class="big" style="font-size:22px;height:64px">
  <p class="small" style="font-size:12px">小字说明</p>
  <p class="grey" style="color:#999">浅灰色的字</p>
  <p class="tight" style="line-height:1.2">行距很紧的一段话</p>
  <p>一句话里有个<a href="/x/">小链接</a>。</p>
  <div class="cards"><div>左边一块</div><div>右边一块</div></div>
  <div class="wide">很宽的一块</div>
</main></body></html>"""


def test_the_measurements_find_known_faults(tabs):
    """The in-page measurements on a page with one fault of each kind: each is found, and nothing else is."""
    page = tabs.open(phones.PHONE)
    page.set_content(FAULTY_PAGE)
    page.evaluate(phones.MEASURE)
    overflow = page.evaluate("__phones.overflow(360)")
    assert overflow["scrollWidth"] > 360
    assert [o.split(" “")[0] for o in overflow["offenders"]] == ["main#m > div.wide"], overflow

    sizes = {entry["el"].split(" “")[0]: entry["size"] for entry in page.evaluate("__phones.fontSizes()")}
    assert sizes["main#m > p.small"] == 12
    assert "main#m > label.hidden-label" not in sizes and "body > a.skip" not in sizes, sizes

    small = page.evaluate("__phones.smallTargets(44)")
    assert len(small) == 1 and small[0].startswith("main#m > p > a “小链接”"), small

    contrast = page.evaluate("__phones.textContrast(4.5)")
    assert len(contrast) == 1 and "#999999 on #ffffff = 2.85:1" in contrast[0], contrast

    tight = page.evaluate("__phones.lineHeights(1.6)")
    assert len(tight) == 1 and tight[0].startswith("main#m > p.tight"), tight

    side = page.evaluate("__phones.sideBySide()")
    assert len(side) == 1 and "左边一块" in side[0] and "右边一块" in side[0], side

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    ring = page.evaluate("__phones.focusRing()")
    assert ring["el"] == "main#m > ol.crumbs > li > a.big “首页”" and ring["region"] == "main", ring
    assert ring["color"] == "#f5a623" and ring["background"] == "#ffffff" and round(ring["ratio"], 2) == 2.03, ring
    assert phones.contrast((0xF5, 0xA6, 0x23), (0xFF, 0xFF, 0xFF)) == pytest.approx(ring["ratio"], abs=0.01)


# --- 1. every page at 360 px -----------------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: list[dict]  # per page: the SitePage, its HTTP status, where the tab ended, overflow, care links
    seconds: float
    errors: list[str]  # server and script errors met on the way


@pytest.fixture(scope="module")
def crawl(phone, site, tabs) -> Crawl:
    """Every page once at 360 px: status, overflow and its care-mode links."""
    pages = []
    before = len(tabs.problems)
    started = time.monotonic()
    for target in site:
        status = visit(phone, target, check_status=False)
        measured = phone.evaluate(
            """(width) => ({
              overflow: __phones.overflow(width),
              care: [...document.querySelectorAll('a[href]')]
                .filter((a) => a.getAttribute('href').startsWith('/reading/care/'))
                .map((a) => ({ href: a.getAttribute('href'), text: a.innerText.trim(), visible: __phones.visible(a),
                               onScreen: a.getBoundingClientRect().right <= width + 0.5 })),
            })""",
            phones.PHONE["viewport"]["width"],
        )
        overflow = measured["overflow"]
        if overflow["scrollWidth"] > overflow["viewport"] or overflow["offenders"]:
            photograph(phone, "overflow-360", phones.path_of(target.url))
        pages.append({"page": target, "status": status, "location": phone.url, **measured})
    return Crawl(pages=pages, seconds=time.monotonic() - started, errors=tabs.problems[before:])


def test_the_page_list_covers_the_whole_site(site):
    """The server's own list: every guide, certificate list and entry, place and notice, and the directory's lists."""
    kinds = Counter(page.type for page in site)
    expected = {
        "HomePage", "ServiceIndexPage", "ServiceItemPage", "CertificateIndexPage", "CertificateListPage",
        "CertificateEntryPage", "PlaceIndexPage", "PlacePage", "NoticeIndexPage", "NoticePage",
        "by_category", "by_life_event", "by_level", "search", "not_found",
    }  # fmt: skip
    assert expected <= set(kinds), f"page types missing from the list: {expected - set(kinds)}"
    assert kinds["ServiceItemPage"] >= 147, kinds
    assert len({page.url for page in site}) == len(site), "a page is listed twice"


def test_every_page_fits_a_360px_phone(crawl):
    """No page scrolls sideways at 360 px, and no element reaches past the right edge of the screen."""
    problems: dict[str, list[str]] = {}
    for entry in crawl.pages:
        overflow = entry["overflow"]
        found = list(overflow["offenders"])
        if entry["status"] != entry["page"].status:
            found.insert(0, f"HTTP {entry['status']}, expected {entry['page'].status}")
        if overflow["scrollWidth"] > overflow["viewport"]:
            found.insert(0, f"document scrollWidth {overflow['scrollWidth']} > innerWidth {overflow['viewport']}")
        if found:
            problems[phones.path_of(entry["page"].url)] = found
    print(f"\n{len(crawl.pages)} pages at 360 px in {crawl.seconds:.1f} s")
    assert crawl.errors == [], "\n".join(crawl.errors)
    none_of(problems, f"{len(problems)} of {len(crawl.pages)} pages overflow at 360 px", limit=6)


def test_every_page_links_to_care_mode(crawl):
    """Every page has a visible 关怀版 link to /reading/care/?next=<that page>."""
    problems: dict[str, list[str]] = {}
    for entry in crawl.pages:
        here = unquote(phones.path_of(entry["location"]))
        good, seen = False, []
        for link in entry["care"]:
            parts = urlsplit(link["href"])
            target = parse_qs(parts.query).get("next", [""])[0]
            ok = (
                parts.path == CARE_ON
                and unquote(target) == here
                and link["visible"]
                and link["onScreen"]
                and "关怀" in link["text"]
            )
            good = good or ok
            seen.append(f"{link['href']} “{link['text']}” visible={link['visible']} on screen={link['onScreen']}")
        if not good:
            problems[here] = [f"no visible 关怀版 link to {CARE_ON}?next={quote(here)}", *seen]
    none_of(problems, f"{len(problems)} of {len(crawl.pages)} pages lack the care-mode link", limit=4)


# --- 2. narrow, zoomed and large-font screens ------------------------------------------------------------------

SCREENS = {
    "320px": (phones.NARROW, None),
    "zoom-200": (phones.ZOOM_200, None),
    "font-doubled": (phones.PHONE, phones.DOUBLED_FONT_SIZES),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_sample_pages_fit_narrow_zoomed_and_large_font_screens(screen, tabs, sample):
    device, font_sizes = SCREENS[screen]
    page = tabs.open(device)
    if font_sizes:
        # What the resident sets in Chromium's settings (外观 → 字号): the default font sizes, per tab.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.enable")
        cdp.send("Page.setFontSizes", {"fontSizes": font_sizes})
    width = device["viewport"]["width"]
    try:

        def check(page) -> list[str]:
            if font_sizes:
                medium = page.evaluate(
                    "(() => { const d = document.createElement('div'); d.style.fontSize = 'medium';"
                    " document.body.append(d); const s = getComputedStyle(d).fontSize; d.remove(); return s; })()"
                )
                assert medium == f"{font_sizes['standard']}px", f"the default font size is {medium}, not doubled"
            overflow = page.evaluate("(w) => __phones.overflow(w)", width)
            found = list(overflow["offenders"])
            if overflow["scrollWidth"] > overflow["viewport"]:
                found.insert(0, f"document scrollWidth {overflow['scrollWidth']} > innerWidth {overflow['viewport']}")
            return found

        problems = each_sample(page, sample, f"overflow-{screen}", check)
    finally:
        page.context.close()
        tabs.contexts.remove(page.context)
    none_of(problems, f"overflow at {screen} ({width} CSS px wide)", limit=8)


# --- 3. the standard view's sizes and focus ----------------------------------------------------------------------


def test_standard_view_text_is_at_least_16px(phone, sample):
    def check(page) -> list[str]:
        sizes = page.evaluate("__phones.fontSizes()")
        return [f"{entry['el']}: {entry['size']} px" for entry in sizes if entry["size"] < 16 - 0.01]

    problems = each_sample(phone, sample, "text-16px", check)
    none_of(problems, "text under 16 px in the standard view")


def test_standard_view_tap_targets_are_at_least_44px(phone, sample):
    problems = each_sample(phone, sample, "targets-44px", lambda page: page.evaluate("__phones.smallTargets(44)"))
    none_of(problems, "tap targets under 44×44 CSS px in the standard view")


def focus_rings(page, limit: int = 400) -> dict[str, dict]:
    """Tab from the top of the page; the first focused link in the header, in <main> and in the footer."""
    found: dict[str, dict] = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate("__phones.focusRing()")
        if ring is None:
            if found:
                break  # focus went past the last element
            continue
        if ring["link"] and ring["region"] in ("header", "main", "footer"):
            found.setdefault(ring["region"], ring)
        if len(found) == 3:
            break
    return found


def test_standard_view_focus_outline_contrast(phone, sample):
    """Keyboard focus on a header, a main and a footer link shows an outline with 3:1 contrast to what is around it."""

    def check(page) -> list[str]:
        rings = focus_rings(page)
        out = [
            f"no link in the {region} reached with Tab"
            for region in ("header", "main", "footer")
            if region not in rings
        ]
        for region, ring in rings.items():
            where = f"{region} {ring['el']}"
            if ring["style"] == "none" or ring["width"] <= 0:
                out.append(f"{where}: no focus outline (outline-style {ring['style']}, width {ring['width']} px)")
            elif ring["ratio"] < 3 - 0.005:
                note = f" (background image on {ring['image']} not counted)" if ring["image"] else ""
                out.append(
                    f"{where}: outline {ring['color']} on {ring['background']} = {ring['ratio']:.2f}:1 "
                    f"({ring['style']} {ring['width']} px, offset {ring['offset']} px){note}"
                )
        return out

    problems = each_sample(phone, sample, "focus-outline", check)
    none_of(problems, "focus outlines under 3:1 in the standard view")


# --- 4. care mode ----------------------------------------------------------------------------------------------


def test_care_mode_is_a_link_away_and_back(tabs, sample):
    """The header's 关怀版 link turns care mode on (cookie care=1, <html class="care">); 标准版 turns it off."""
    page = tabs.open(phones.PHONE)
    guide = phones.path_of(sample["guide"].url)
    visit(page, guide)
    care_link = page.locator(f'a[href^="{CARE_ON}?next="]:visible')
    assert care_link.count() >= 1, f"no visible link to {CARE_ON} on {guide}"
    care_link.first.click()
    page.wait_for_load_state("domcontentloaded")
    assert unquote(phones.path_of(page.url)) == guide, f"care link led to {page.url}, not back to {guide}"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("care") == "1", f"cookies after the care link: {cookies}"
    assert in_care_mode(page), "<html> has no class care after the care link"

    # Every sample page in care mode offers the way back, to itself.
    missing = {}
    for name, target in sample.items():
        visit(page, target)
        here = unquote(phones.path_of(page.url))
        hrefs = page.eval_on_selector_all(
            f'a[href^="{CARE_OFF}"]',
            "(links) => links.filter((a) => __phones.visible(a)).map((a) => a.getAttribute('href'))",
        )
        if not any(unquote(parse_qs(urlsplit(h).query).get("next", [""])[0]) == here for h in hrefs):
            missing[f"{name} {here}"] = [f"no visible link to {CARE_OFF}?next={quote(here)} (found {hrefs})"]
    none_of(missing, "care-mode pages without the link back")

    visit(page, guide)
    page.locator(f'a[href^="{CARE_OFF}?next="]:visible').first.click()
    page.wait_for_load_state("domcontentloaded")
    assert unquote(phones.path_of(page.url)) == guide, f"standard link led to {page.url}"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("care") != "1", f"care cookie still set after the standard link: {cookies}"
    assert not in_care_mode(page), "<html> still has class care after the standard link"


def test_care_mode_type_is_large(care_phone, tabs, sample):
    """Body text at least 22 px, nothing visible under 18 px."""
    require_care(tabs)

    def check(page) -> list[str]:
        out = []
        body = float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
        if body < 22 - 0.01:
            out.append(f"<body> font-size {body} px")
        sizes = page.evaluate("__phones.fontSizes()")
        weight = Counter()
        for entry in sizes:
            if entry["main"]:
                weight[entry["size"]] += entry["chars"]
        if weight:
            common, _ = weight.most_common(1)[0]
            if common < 22 - 0.01:
                out.append(f"most of the text in <main> is {common} px")
        out += [f"{entry['el']}: {entry['size']} px" for entry in sizes if entry["size"] < 18 - 0.01]
        return out

    problems = each_sample(care_phone, sample, "care-type", check, care=True)
    none_of(problems, "care mode type too small")


def test_care_mode_line_height(care_phone, tabs, sample):
    require_care(tabs)
    problems = each_sample(
        care_phone, sample, "care-line-height", lambda page: page.evaluate("__phones.lineHeights(1.6)"), care=True
    )
    none_of(problems, "care mode line height under 1.6")


def test_care_mode_tap_targets_are_at_least_60px(care_phone, tabs, sample):
    require_care(tabs)
    problems = each_sample(
        care_phone, sample, "care-targets-60px", lambda page: page.evaluate("__phones.smallTargets(60)"), care=True
    )
    none_of(problems, "care mode tap targets under 60×60 CSS px")


def test_care_mode_text_contrast_is_7_to_1(care_phone, tabs, sample):
    require_care(tabs)
    problems = each_sample(
        care_phone, sample, "care-contrast", lambda page: page.evaluate("__phones.textContrast(7)"), care=True
    )
    none_of(problems, "care mode text under 7:1 contrast")


def test_care_mode_is_one_column(care_phone, tabs, sample):
    require_care(tabs)
    problems = each_sample(
        care_phone, sample, "care-columns", lambda page: page.evaluate("__phones.sideBySide()"), care=True
    )
    none_of(problems, "care mode blocks side by side in <main>", limit=6)


def test_care_mode_reads_aloud_in_chinese(care_phone, tabs, sample):
    """A 朗读 button on every care-mode page where the browser can speak; it speaks the page in zh-CN; none without."""
    require_care(tabs)
    missing = {}
    for name, target in sample.items():
        visit(care_phone, target)
        if not in_care_mode(care_phone):
            missing[name] = ['not in care mode: <html> has no class "care"']
        elif care_phone.get_by_role("button", name=READ_ALOUD).count() == 0:
            missing[name] = ["no 朗读 button although window.speechSynthesis exists"]
    none_of(missing, "care-mode pages without the 朗读 button")

    visit(care_phone, sample["guide"])
    title = care_phone.locator("h1").first.inner_text().strip()
    care_phone.get_by_role("button", name=READ_ALOUD).first.click()
    care_phone.wait_for_function("window.__spoken.length > 0", timeout=5_000)
    spoken = care_phone.evaluate("window.__spoken")
    langs = {utterance["lang"] for utterance in spoken}
    assert langs == {"zh-CN"}, f"utterance languages {langs}"
    text = "".join(utterance["text"] for utterance in spoken)
    assert title in text, f"the guide's title {title!r} is not read; read: {text[:200]!r}"

    silent = tabs.open(phones.PHONE, init_scripts=(NO_SPEECH,))
    visit(silent, CARE_ON + "?next=" + quote(phones.path_of(sample["guide"].url)))
    assert in_care_mode(silent), "not in care mode"
    assert silent.evaluate("'speechSynthesis' in window") is False
    assert silent.get_by_role("button", name=READ_ALOUD).count() == 0, "a 朗读 button without speech synthesis"


# --- 5. axe-core -------------------------------------------------------------------------------------------------


def axe_violations(page, targets: dict[str, phones.SitePage], *, care: bool) -> dict[str, list[str]]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": phones.AXE_TAGS}, "resultTypes": ["violations"]}
    problems: dict[str, list[str]] = {}
    for name, target in targets.items():
        visit(page, target)
        where = f"{name} {phones.path_of(target.url)}"
        if care and not in_care_mode(page):
            problems[where] = ['not in care mode: <html> has no class "care"']
            continue
        found = []
        for violation in axe.run(page, options=options).response["violations"]:
            nodes = violation["nodes"]
            shown = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:6])
            more = f" (+{len(nodes) - 6} more)" if len(nodes) > 6 else ""
            found.append(f"{violation['id']} [{violation['impact']}] {violation['help']}: {shown}{more}")
        if found:
            problems[where] = found
    return problems


def test_axe_standard_view(phone, site):
    problems = axe_violations(phone, phones.page_types(site), care=False)
    none_of(problems, "axe violations in the standard view", limit=20)


def test_axe_care_mode(care_phone, tabs, site):
    require_care(tabs)
    problems = axe_violations(care_phone, phones.page_types(site), care=True)
    none_of(problems, "axe violations in care mode", limit=20)


# --- 6. pictures for the docs ---------------------------------------------------------------------------------


def small_png(png: bytes) -> bytes:
    """A screenshot as a 256-colour PNG: text pages lose nothing visible and shrink to a fraction."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        out = io.BytesIO()
        palette.save(out, format="PNG", optimize=True)
        return out.getvalue()


@pytest.mark.skipif(os.environ.get("UPDATE_DOC_SCREENSHOTS") != "1", reason="set UPDATE_DOC_SCREENSHOTS=1 to renew")
def test_doc_screenshots(tabs, sample):
    """docs/images/residents/<page>-<view>.png, the first screen of a 360 px phone, and <page>-<view>-content.png,
    the screen that starts at the page's title (in care mode the first screen is mostly the header)."""
    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    for view in ("standard", "care"):
        page = tabs.open(phones.PHONE)
        if view == "care":
            visit(page, CARE_ON + "?next=/")
        for name in ("home", "guide", "hall"):
            visit(page, sample[name])
            assert in_care_mode(page) == (view == "care"), f"{name}: not in the {view} view"
            shot = page.screenshot(full_page=False, animations="disabled", caret="hide")
            (DOC_IMAGES / f"{name}-{view}.png").write_bytes(small_png(shot))
            page.evaluate("window.scrollTo(0, document.querySelector('h1').getBoundingClientRect().top + scrollY - 12)")
            shot = page.screenshot(full_page=False, animations="disabled", caret="hide")
            (DOC_IMAGES / f"{name}-{view}-content.png").write_bytes(small_png(shot))
