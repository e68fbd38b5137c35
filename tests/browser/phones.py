"""What the residents' phone checks (test_phones.py) need: the site's pages, phone set-ups and in-page measurements.

The list of pages comes from the running portal's own database (``manage.py
shell`` on the database the server uses), so a new guide, notice or place is
checked without anyone editing a list. The measurements run inside the page
(``MEASURE``, installed as ``window.__phones`` by an init script) and come back
as plain lists of offenders, each named by a short CSS path and its text, so a
failing assertion says which element, how big and how far off.

Colours follow WCAG 2.x: relative luminance of sRGB, contrast (L1 + 0.05) /
(L2 + 0.05); a colour with alpha is composed over what is behind it, up the
ancestors to the page's white canvas.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.catalog_db import BASE_DIR, manage

# A phone as residents hold one: 360 CSS px wide, a touch screen, mobile viewport rules.
PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# The narrowest phones still sold.
NARROW = {**PHONE, "viewport": {"width": 320, "height": 640}}
# A 412 px phone at 200 % browser zoom: zoom divides the CSS pixels across the screen by two,
# so the page lays out in 206 CSS px, each drawn with twice the device pixels.
ZOOM_200 = {"viewport": {"width": 206, "height": 457}, "device_scale_factor": 2 * 2.625, "is_mobile": True,
            "has_touch": True}  # fmt: skip
# Chromium's default font size is 16 px; a resident who doubles it in the browser's settings gets 32 px.
DOUBLED_FONT_SIZES = {"standard": 32, "fixed": 26}

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

NOT_FOUND_PATH = "/phones-no-such-page/"

# Run in the portal's database by `manage.py shell`: every live public page of the default site with its
# type, plus the directory's category, life-event and level lists. One JSON line after a marker.
PAGES_SCRIPT = r"""
import json
from wagtail.models import Page, Site
from home.models import TownSettings
from services.models import ServiceIndexPage
site = Site.objects.get(is_default_site=True)
hall = TownSettings.for_site(site).service_hall_id
pages = []
for page in Page.objects.live().public().descendant_of(site.root_page, inclusive=True).specific().order_by("path"):
    url = page.get_url(current_site=site)
    if not url:
        continue
    pages.append({"url": url, "type": type(page).__name__, "title": page.title,
                  "code": getattr(page, "code", "") or "", "kind": getattr(page, "kind", "") or "",
                  "hall": page.pk == hall})
    if isinstance(page, ServiceIndexPage):
        for name, slugs in (("by_category", [c.slug for c in page.categories()]),
                            ("by_life_event", [e.slug for e in page.life_events()]),
                            ("by_level", sorted(set(page.items().values_list("level", flat=True))))):
            for slug in slugs:
                pages.append({"url": url + page.reverse_subpage(name, args=(slug,)), "type": name,
                              "title": slug, "code": "", "kind": "", "hall": False})
print("PHONES-PAGES " + json.dumps(pages, ensure_ascii=False))
"""


@dataclass(frozen=True)
class SitePage:
    url: str  # a path on the portal
    type: str  # the page model's name, a directory route (by_category ...), "search" or "not_found"
    title: str = ""
    code: str = ""
    kind: str = ""
    hall: bool = False
    status: int = 200


def site_pages(env: dict[str, str]) -> list[SitePage]:
    """Every page a resident can reach on the portal whose database ``env`` names, with search and a 404."""
    output = manage("shell", "-c", PAGES_SCRIPT, env=env, timeout=180).stdout
    line = next(line for line in output.splitlines() if line.startswith("PHONES-PAGES "))
    pages = [SitePage(**fields) for fields in json.loads(line.removeprefix("PHONES-PAGES "))]
    pages += [
        SitePage("/search/?q=低保", "search", "低保"),
        SitePage("/search/?q=zzzz", "search", "zzzz"),
        SitePage(NOT_FOUND_PATH, "not_found", status=404),
    ]
    return pages


def samples(pages: list[SitePage]) -> dict[str, SitePage]:
    """One page of each kind a resident meets, by a short name used in reports and file names."""

    def first(**wanted) -> SitePage:
        return next(p for p in pages if all(getattr(p, k) == v for k, v in wanted.items()))

    return {
        "home": first(type="HomePage"),
        "guide": first(code="QH-MZ-001"),
        "certificate-list": first(type="CertificateListPage"),
        "hall": first(type="PlacePage", hall=True),
        "village-point": first(type="PlacePage", kind="village_point"),
        "notice": first(type="NoticePage"),
        "search": first(type="search", title="低保"),
        "not-found": first(type="not_found"),
    }


def page_types(pages: list[SitePage]) -> dict[str, SitePage]:
    """One page of every type on the site (and both search pages), for axe."""
    chosen: dict[str, SitePage] = {}
    for page in pages:
        name = f"search-{page.title}" if page.type == "search" else page.type
        chosen.setdefault(name, page)
    sample = samples(pages)
    chosen["ServiceItemPage"] = sample["guide"]
    chosen["PlacePage"] = sample["hall"]
    chosen["village-point"] = sample["village-point"]
    return chosen


def path_of(url: str) -> str:
    """The path and query of ``url`` (as a care-mode ``next`` names it)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@contextlib.contextmanager
def resident_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """``runserver`` with DEBUG off on the portal's database: the pages as production renders them.

    The journeys' server runs the dev settings with DEBUG on, where an unknown
    address shows Django's technical 404 page (a resident meets the portal's
    own ``404.html``) and templates are compiled for every request.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env={**env, "DEBUG": "false"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"runserver (DEBUG off) exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(url + "/", timeout=10) as response:
                    response.read()
                break
            except urllib.error.HTTPError as error:
                raise RuntimeError(
                    f"home page answered {error.code} with DEBUG off:\n{log.read_text()[-3000:]}"
                ) from error
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("runserver (DEBUG off) did not answer within 90 s") from None
                time.sleep(0.2)
        yield url
    finally:
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two opaque sRGB colours (0-255 channels)."""

    def luminance(rgb: tuple[float, float, float]) -> float:
        def channel(value: float) -> float:
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pattern(line: str) -> str:
    """A problem line without what changes from page to page: quoted text, numbers, the page's own address."""
    line = re.sub(r"“[^”]*”", "“…”", line)
    line = re.sub(r"next=\S+", "next=…", line)
    return re.sub(r"\d+(\.\d+)?", "N", line)


def report(problems: dict[str, list[str]], limit: int = 12, pages: int = 40) -> str:
    """Problems by page for an assertion message.

    When there are many, it opens with the most common kinds of problem and on
    how many pages each occurs. Then each page (at most ``pages``), with
    repeated lines folded (×N) and at most ``limit`` lines.
    """
    lines = []
    found = {where: lines for where, lines in problems.items() if lines}
    if len(found) > 1 and sum(map(len, found.values())) > 20:
        where_seen: dict[str, list[str]] = {}
        for where, page_lines in found.items():
            for pattern in dict.fromkeys(map(_pattern, page_lines)):
                where_seen.setdefault(pattern, []).append(where)
        common = sorted(where_seen.items(), key=lambda item: -len(item[1]))
        lines.append(f"most common, by number of pages ({len(found)} pages with problems):")
        for pattern, wheres in common[:15]:
            examples = ", ".join(wheres[:3]) + (", …" if len(wheres) > 3 else "")
            lines.append(f"  {len(wheres):4d} × {pattern}   (e.g. {examples})")
        if len(common) > 15:
            lines.append(f"  ... and {len(common) - 15} more kinds")
        lines.append("page by page:")
    for n, (where, page_lines) in enumerate(found.items()):
        if n == pages:
            lines.append(f"... and {len(found) - pages} more pages")
            break
        counted = Counter(page_lines)
        folded = [f"{line} (×{counted[line]})" if counted[line] > 1 else line for line in counted]
        lines.append(f"{where}: {len(page_lines)} problem(s)")
        lines += [f"    {line}" for line in folded[:limit]]
        if len(folded) > limit:
            lines.append(f"    ... and {len(folded) - limit} more")
    return "\n".join(lines)


# Installed in every document before the page's own scripts (an init script) as window.__phones.
# Nothing here changes the page; each function returns plain data.
MEASURE = r"""
(() => {
  if (window.__phones) return;
  const P = {};
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TITLE", "HEAD", "META", "LINK"]);
  let canvas = null;

  P.parseColor = (value) => {
    const m = /^rgba?\(([^)]*)\)$/.exec(value.trim());
    if (m) {
      const parts = m[1].split(/[\s,\/]+/).filter(Boolean)
        .map((v) => v.endsWith("%") ? parseFloat(v) / 100 : parseFloat(v));
      return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
    }
    // Other colour syntaxes (color(), oklch() ...): let a canvas convert to sRGB.
    canvas = canvas || Object.assign(document.createElement("canvas"), { width: 1, height: 1 });
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = value;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  // `top` painted over `bottom`.
  P.over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  P.luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  P.contrast = (a, b) => {
    const la = P.luminance(a), lb = P.luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  };
  P.hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

  // The colour behind `el`'s content: its own background and its ancestors', over the white canvas.
  // `image` names the nearest element with a background image (whose colours are not known).
  P.background = (el) => {
    const layers = [];
    let image = null;
    for (let a = el; a && a.nodeType === 1; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (!image && s.backgroundImage !== "none") image = P.describe(a);
      const c = P.parseColor(s.backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let color = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) color = P.over(layers[i], color);
    return { color, image };
  };

  P.describe = (el) => {
    const part = (e) => {
      let s = e.tagName.toLowerCase();
      if (e.id) return s + "#" + e.id;
      const classes = [...e.classList].slice(0, 2);
      if (classes.length) s += "." + classes.join(".");
      return s;
    };
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      parts.unshift(part(e));
      if (e.id || e === document.body) break;
    }
    return parts.join(" > ");
  };
  P.text = (el) => {
    const t = el.innerText || el.textContent || el.value || el.placeholder || el.getAttribute("aria-label") || "";
    const clean = t.replace(/\s+/g, " ").trim();
    return clean.length > 30 ? clean.slice(0, 30) + "…" : clean;
  };
  P.name = (el) => `${P.describe(el)} “${P.text(el)}”`;
  P.px = (v) => Math.round(v * 10) / 10;

  // Seen by a resident: rendered, not transparent, not clipped to a pixel (visually-hidden), not moved off the page.
  P.visible = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    if (r.right <= 0 || r.bottom + window.scrollY <= 0) return false;
    for (let a = el; a && a.nodeType === 1; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflow !== "visible" || s.clip !== "auto" || s.clipPath !== "none") {
        const ar = a.getBoundingClientRect();
        if (ar.width <= 1 || ar.height <= 1) return false;
        if (s.clip !== "auto" && /rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(s.clip)) return false;
      }
    }
    return true;
  };

  P.ownText = (el) => [...el.childNodes]
    .filter((n) => n.nodeType === 3 && n.textContent.trim())
    .map((n) => n.textContent).join(" ").replace(/\s+/g, " ").trim();
  const FIELD = /^(INPUT|TEXTAREA|SELECT)$/;
  // Every visible element that shows text of its own: a text node child, or a form field's value or placeholder.
  P.textElements = (root) => [...(root || document.body).querySelectorAll("*")].filter((el) => {
    if (SKIP.has(el.tagName)) return false;
    const fieldText = FIELD.test(el.tagName) && el.type !== "hidden" && (el.value || el.placeholder);
    return (P.ownText(el) || fieldText) && P.visible(el);
  });

  // Horizontal overflow at `width` CSS px: the document's scroll width and every element or run of text
  // whose right edge passes the viewport (the deepest ones: an offender's ancestors are not listed again).
  P.overflow = (width) => {
    const vw = Math.min(window.innerWidth, width);
    const doc = document.documentElement;
    const tolerance = 0.5;  // sub-pixel rounding
    const hits = new Map();
    const clippedInside = (el) => {
      for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== "visible") return a.getBoundingClientRect().right <= vw + tolerance;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      if (SKIP.has(el.tagName) || !P.visible(el)) continue;
      const right = el.getBoundingClientRect().right;
      if (right > vw + tolerance && !clippedInside(el)) hits.set(el, `right edge at ${P.px(right)} px`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || !el || SKIP.has(el.tagName) || hits.has(el) || !P.visible(el)) continue;
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right;
      if (right > vw + tolerance && !clippedInside(node)) hits.set(el, `text runs to ${P.px(right)} px`);
    }
    const offenders = [...hits.entries()]
      .filter(([el]) => ![...hits.keys()].some((other) => other !== el && el.contains(other)))
      .map(([el, why]) => `${P.name(el)}: ${why}`);
    return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, viewport: vw, offenders };
  };

  P.fontSizes = () => P.textElements().map((el) => ({
    el: P.name(el),
    size: parseFloat(getComputedStyle(el).fontSize),
    chars: (P.ownText(el) || el.value || el.placeholder).length,
    main: !!el.closest("main"),
  }));

  const TARGETS = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
    + '[role="button"], [tabindex]:not([tabindex="-1"])';
  // Every visible tap target with no min x min CSS px square to press: a link broken over lines
  // counts by its largest piece (a finger presses one piece; the small tail of a wrapped line is no
  // target of its own), so two short lines of a wrapped link fail where one tall line passes.
  P.smallTargets = (min) => [...document.querySelectorAll(TARGETS)].filter(P.visible).flatMap((el) => {
    const pieces = [...el.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!pieces.length) pieces.push(el.getBoundingClientRect());
    const fits = (r) => r.width >= min - 0.01 && r.height >= min - 0.01;
    if (pieces.some(fits)) return [];
    const largest = pieces.reduce((x, y) => (y.width * y.height > x.width * x.height ? y : x));
    const lines = pieces.length > 1 ? ` (largest of ${pieces.length} pieces over lines)` : "";
    return [`${P.name(el)}: ${P.px(largest.width)}×${P.px(largest.height)} px${lines}`];
  });

  // Text colour against the colour it sits on, for every visible text element (placeholders too).
  P.textContrast = (min) => P.textElements().flatMap((el) => {
    const out = [];
    const { color: bg, image } = P.background(el);
    const check = (colour, what) => {
      const fg = P.over(P.parseColor(colour), bg);
      const ratio = P.contrast(fg, bg);
      if (ratio < min - 0.005) {
        const note = image ? ` (background image on ${image} not counted)` : "";
        out.push(`${P.name(el)}${what}: ${P.hex(fg)} on ${P.hex(bg)} = ${ratio.toFixed(2)}:1${note}`);
      }
    };
    if (P.ownText(el) || (FIELD.test(el.tagName) && el.value)) check(getComputedStyle(el).color, "");
    if (FIELD.test(el.tagName) && el.placeholder && !el.value) {
      check(getComputedStyle(el, "::placeholder").color, " placeholder");
    }
    return out;
  });

  // Line height as a multiple of the font size, for every visible text element.
  P.lineHeights = (min) => P.textElements().flatMap((el) => {
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const ratio = s.lineHeight === "normal" ? null : parseFloat(s.lineHeight) / size;
    if (ratio !== null && ratio >= min - 0.01) return [];
    const shown = ratio === null ? "normal (about 1.2)" : ratio.toFixed(2);
    return [`${P.name(el)}: line-height ${s.lineHeight} at ${s.fontSize} = ${shown}`];
  });

  // Blocks in <main> laid out side by side: two visible block-level boxes, neither inside the other,
  // that share a horizontal band and do not overlap across. A block is a box a reader sees as one:
  // it has a background, border or shadow of its own, holds other blocks, or its text runs over
  // more than one line. One-line pieces of text set in a row (breadcrumbs, a meta line, a pager)
  // read like words in a line and are not columns. The outermost pairs first.
  P.sideBySide = () => {
    const main = document.querySelector("main");
    if (!main) return ["no <main> element"];
    const BLOCK = /^(block|list-item|flex|grid|table|flow-root)$/;
    const isBlock = (el) => BLOCK.test(getComputedStyle(el).display);
    const boxed = (el) => {
      const s = getComputedStyle(el);
      const ownBackground = P.parseColor(s.backgroundColor)[3] > 0 || s.backgroundImage !== "none";
      const border = ["Top", "Right", "Bottom", "Left"].some(
        (side) => parseFloat(s[`border${side}Width`]) > 0 && P.parseColor(s[`border${side}Color`])[3] > 0
      );
      return ownBackground || border || s.boxShadow !== "none";
    };
    const holdsBlocks = (el) => [...el.children].some((child) => isBlock(child) && P.visible(child));
    // Text on more than one line: two pieces of its text that share no horizontal band.
    const multiLine = (el) => {
      const range = document.createRange();
      const pieces = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        range.selectNodeContents(node);
        pieces.push(...[...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
      }
      return pieces.some((x) => pieces.some((y) => y.top >= x.bottom - 1));
    };
    const blocks = [...main.querySelectorAll("*")]
      .filter((el) => !SKIP.has(el.tagName) && isBlock(el) && P.visible(el))
      .filter((el) => boxed(el) || holdsBlocks(el) || multiLine(el))
      .map((el) => ({ el, r: el.getBoundingClientRect() }));
    const pairs = [];
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        const a = blocks[i], b = blocks[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const shared = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        const apart = a.r.right <= b.r.left + 1 || b.r.right <= a.r.left + 1;
        if (shared > 2 && apart) pairs.push({ a, b, size: Math.min(a.r.width * a.r.height, b.r.width * b.r.height) });
      }
    }
    pairs.sort((x, y) => y.size - x.size);
    const reported = [];
    // p repeats q when p's boxes sit in q's two boxes, one in each.
    const across = (x, y, q) => q.a.el.contains(x.el) && q.b.el.contains(y.el);
    const inside = (p, q) => across(p.a, p.b, q) || across(p.b, p.a, q);
    for (const p of pairs) {
      if (reported.some((q) => inside(p, q))) continue;
      reported.push(p);
    }
    const where = (x) => `${P.name(x.el)} [x ${P.px(x.r.left)}-${P.px(x.r.right)}]`;
    return reported.map((p) => `${where(p.a)} beside ${where(p.b)}`);
  };

  // The focused element's outline against the colour around it (outside the box unless the offset is negative).
  P.focusRing = () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const width = parseFloat(s.outlineWidth) || 0;
    const offset = parseFloat(s.outlineOffset) || 0;
    const behind = P.background(offset + width > 0 && el.parentElement ? el.parentElement : el);
    const colour = P.over(P.parseColor(s.outlineColor), behind.color);
    return {
      el: P.name(el), style: s.outlineStyle, width, offset, color: P.hex(colour), background: P.hex(behind.color),
      image: behind.image, ratio: P.contrast(colour, behind.color),
      region: el.closest("header") ? "header" : el.closest("main") ? "main" : el.closest("footer") ? "footer" : "other",
      link: el.tagName === "A",
    };
  };

  window.__phones = P;
})();
"""
