"""One language in the admin: find the English an editor would meet on a page.

    from tests.browser.language import english_on_screen

    assert english_on_screen(page) == []

Looks at what the tab shows (its title, the text of every rendered element,
the value of ``<input>`` buttons, every option of a shown ``<select>``) and at
what a pointer or a screen reader announces (the ``placeholder``,
``aria-label``, ``title``, ``alt`` and tooltip text of rendered elements,
visually hidden text included), and returns each piece that still holds a
Latin word once the allowed ones are taken out:

- catalog codes (QH-MZ-001, OF-V01, ZM-N-01), paper sizes (A4, A3), PDF and
  the file formats an upload or export names, units (px, MB), numbers;
- addresses of web pages and e-mail, host names, URL slugs such as
  ``social-assistance`` and model identifiers such as ``services.serviceitempage``;
- key names inside ``<kbd>`` (Ctrl + S is what the keyboard says);
- the name of the editor who is signed in (shown by the sidebar), and any
  word the caller passes in ``allow``.

``KNOWN`` lists the English still on screen that only a change outside the
translation files can remove (Wagtail templates that hard-code English,
English stored in the database by migrations, project code of other apps),
each with where it comes from; ``english_on_screen`` leaves those out unless
it is given ``known=()``, which shows everything that is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

# Latin words a Chinese admin may show.
ALLOWED_WORDS = frozenset(
    {
        "PDF",  # 明白纸 are PDFs; offices say PDF
        # File formats that uploads and exports name.
        *("CSV", "TSV", "XLSX", "XLS", "DOC", "DOCX", "ODT", "ODS", "WPS", "TXT", "ZIP"),
        *("AVIF", "GIF", "JPG", "JPEG", "PNG", "WEBP", "SVG", "HEIC"),
        *("px", "KB", "MB", "GB"),  # sizes
        "APP",  # 政务服务APP: how Chinese government services name their apps
        "Excel",  # the spreadsheet program, by its name
        "XX",  # the Chinese placeholder in examples (“XX政务服务”)
    }
)
# Key names, allowed inside <kbd> only.
KEY_NAMES = frozenset({"Ctrl", "Alt", "Shift", "Esc", "Enter", "Tab", "Cmd", "Option", "Space", "Backspace", "Delete"})
# Whole patterns an editor may see.
ALLOWED_PATTERNS = (
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE),  # http://…
    re.compile(r"\b(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),  # e-mail
    re.compile(r"\b(?:[\w-]+\.)+(?:cn|com|net|org|gov|invalid|test|local)\b(?:/\S*)?", re.IGNORECASE),  # host names
    re.compile(r"\blocalhost\b"),
    re.compile(r"(?<![\w/])/[\w./?=&%#-]*"),  # paths such as /sheets/QH-MZ-001.pdf
    re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]+)+\b"),  # catalog codes: QH-MZ-001, OF-V01, ZM-N-01, ZM-A3
    re.compile(r"\bA[3-5]\b"),  # paper sizes
    re.compile(r"(?<![\w.])\.[a-z0-9]{2,5}\b"),  # file extensions: .xlsx
    re.compile(r"[\w-]+\.(?:xlsx|xls|csv|zip|pdf|docx?|ods|odt|wps|png|jpe?g)\b", re.IGNORECASE),  # file names
    re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b"),  # URL slugs: social-assistance
    re.compile(r"\b[a-z_]+\.[a-z_]+\b"),  # model identifiers: services.serviceitempage
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class Known(NamedTuple):
    """English that stays until something outside the translation files changes."""

    where: str  # a regular expression the element must match (see english_on_screen's output), "" for any
    text: str  # a regular expression; what it matches is taken out of the text
    source: str  # where it comes from and what would remove it


# Remove an entry when its source is fixed.
KNOWN: tuple[Known, ...] = (
    Known(
        "title",
        r" - Wagtail$",
        "the browser tab's title: Wagtail's skeleton.html hard-codes the brand ({% block branding_title %}Wagtail"
        "{% endblock %}); a project template templates/wagtailadmin/admin_base.html can override the block",
    ),
    Known(
        r"svg\.icon-wagtail.*\[aria-label\]",
        r"^Wagtail$",
        "the logo's accessible name, hard-coded in Wagtail's wagtailadmin/logo.html (the product's name)",
    ),
    Known(
        r"p\.sidebar-sub-menu-panel__footer",
        r"^Wagtail v[\d.]+$",
        "the footer of the 设置 menu: Wagtail's settings menu item sets footer_text to the version",
    ),
    Known(
        r"nav#w-slim-header-buttons.*\[aria-label\]",
        r"^Actions$",
        '<nav aria-label="Actions"> hard-coded in Wagtail\'s wagtailadmin/shared/headers/_actions.html',
    ),
    Known(
        r"input.*\[value\]",
        r"^Search$",
        'the visually hidden submit button of the header search: value="Search" hard-coded in Wagtail\'s'
        " wagtailadmin/shared/header.html and wagtailadmin/home.html",
    ),
    Known(
        "",
        r"\bRoot\b(?! page)",
        "the titles of the root page and the root collection, stored in English by Wagtail's initial"
        " migrations (a data migration can rename them)",
    ),
    Known(
        "",
        r"^(?:True|False|None)$",
        "Wagtail's BooleanColumn uses the value as the icon's title (wagtailadmin/tables/boolean_cell.html,"
        " user and synonym listings); None is also the publisher of pages load_catalog published without a"
        " user (aging pages report)",
    ),
    Known(
        r"label",
        r"(?:Can (?:add|change|delete|view|access|choose|publish|lock|unlock|bulk delete)\b.*|Delete pages with"
        r" children|Lock/unlock pages you've locked|Publish any page|Unlock any page)$",
        "permission names, stored in English by Django's and Wagtail's migrations (group edit form)",
    ),
    Known(
        r"label#id_\w+-\d+-page-label",
        r"^Page$",
        "the page field of Wagtail's workflow and page-permission formsets, declared without a label",
    ),
    Known(
        r"th|a\.icon",
        r"\b(?:Port|Site name|Root page)\b",
        "columns of Wagtail's sites listing, declared without labels (wagtail/sites/views.py)",
    ),
    Known(
        r"a\.icon|th",
        r"\bUpdated at\b",
        "search.models.Synonym.updated_at has no verbose_name (synonym listing column)",
    ),
    Known(
        r"select#id_locale-preferred_language option",
        r"^English$",
        "the language choice on the account page: WAGTAILADMIN_PERMITTED_LANGUAGES names English in English",
    ),
)

# Runs in the tab: every string a person sees or hears, with where it was found.
_COLLECT = """
() => {
  const found = [];
  const shown = (el) => el.checkVisibility({ visibilityProperty: true });
  const where = (el) => {
    const id = el.id ? '#' + el.id : '';
    const classes = (el.getAttribute('class') || '').trim();
    const cls = classes ? '.' + classes.split(/\\s+/).slice(0, 2).join('.') : '';
    return el.tagName.toLowerCase() + id + cls;
  };
  found.push(['title', document.title]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    const skip = ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'OPTION', 'TEXTAREA'];
    if (!text || !el || skip.includes(el.tagName)) continue;
    if (el.closest('[contenteditable="true"]')) continue;  // what the editor typed
    if (shown(el)) found.push([where(el), text]);
  }
  const names = ['placeholder', 'aria-label', 'title', 'alt', 'aria-description', 'data-w-tooltip-content-value'];
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    for (const name of names) {
      const value = el.getAttribute(name);
      if (value && value.trim()) found.push([where(el) + '[' + name + ']', value.trim()]);
    }
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type) && el.value) {
      found.push([where(el) + '[value]', el.value]);
    }
    if (el.tagName === 'SELECT') {
      for (const option of el.options) found.push([where(el) + ' option', option.textContent.trim()]);
    }
  }
  return found;
}
"""


def latin_words(text: str, *, allow: Iterable[str] = (), keys: bool = False) -> list[str]:
    """The Latin words left in ``text`` once addresses, codes, slugs and allowed words are taken out."""
    for pattern in ALLOWED_PATTERNS:
        text = pattern.sub(" ", text)
    allowed = ALLOWED_WORDS | set(allow) | (KEY_NAMES if keys else frozenset())
    return [word for word in LATIN_WORD.findall(text) if word not in allowed]


def english_on_screen(page, *, allow: Iterable[str] = (), known: Iterable[Known] = KNOWN) -> list[str]:
    """Every piece of text on ``page`` with an English word in it, as ``"where: text"``; [] when all is Chinese.

    ``allow`` adds words that may appear; the signed-in editor's name (the
    sidebar shows it) is always allowed. What a ``known`` entry matches is
    left out; ``known=()`` shows everything.
    """
    allowed = set(allow)
    signed_in = page.evaluate(
        "() => (document.querySelector('.sidebar-footer__account-label') || {}).textContent || ''"
    )
    allowed.update(LATIN_WORD.findall(signed_in))
    known = [(re.compile(k.where), re.compile(k.text)) for k in known]
    seen: set[tuple[str, str]] = set()
    english = []
    for where, raw in page.evaluate(_COLLECT):
        text = " ".join(raw.split())
        if (where, text) in seen:
            continue
        seen.add((where, text))
        rest = text
        for where_pattern, text_pattern in known:
            if where_pattern.match(where):
                rest = text_pattern.sub(" ", rest)
        if latin_words(rest, allow=allowed, keys=where.startswith("kbd")):
            english.append(f"{where}: {text}")
    return english
