"""Sentences a resident reads more than once on one page.

    from tests.unit.services.sentences import repeated_sentences

    assert repeated_sentences(html) == {}

The text of the page's ``<article>`` (the guide itself, without the site's
header, breadcrumbs and footer) is cut into lines where the HTML starts a new
block (a paragraph, list entry, heading, term, cell, ``<br>``), and each line
into sentences at 。；！？. Inline markup does not cut: a material's name, form
and source are one entry, so two materials of the same form are no repeat.

Left out, as names rather than sentences:

- anything under ``MIN_HAN`` Chinese characters (phone numbers, hours, "不收费");
- a line that is nothing but links (a place's name on its card and in 办事要点,
  a phone number to tap);
- a bare document title, 《…》 with or without its number, which the legal basis
  and the fee basis may both cite.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

MIN_HAN = 8
BLOCKS = {
    "address", "article", "aside", "br", "dd", "details", "div", "dl", "dt", "footer", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "section", "summary", "table", "td", "th",
    "tr", "ul",
}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "template"}
ENDS = re.compile(r"[。；！？\n]")
HAN = re.compile(r"[\u4e00-\u9fff]")
TITLE = re.compile(r"^《[^《》]*》\s*(（[^（）]*）)?$")  # 《…》 and its number: （发改价格〔2003〕2322号）


class _Lines(HTMLParser):
    """Lines of text inside the first <article>, each with whether it is all link text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open elements inside the article; 0 outside it
        self.links = 0
        self.skipping = 0
        self.text: list[str] = []
        self.plain: list[str] = []  # text of the line outside links
        self.lines: list[tuple[str, bool]] = []
        self.done = False

    def _end_line(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.text)).strip()
        if text:
            self.lines.append((text, not "".join(self.plain).strip(" ，、,·:：()（）")))
        self.text, self.plain = [], []

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if not self.depth:
            if tag == "article":
                self.depth = 1
            return
        if tag in BLOCKS:
            self._end_line()
        if tag in VOID:
            return
        self.depth += 1
        self.links += tag == "a"
        self.skipping += tag in SKIPPED

    def handle_startendtag(self, tag, attrs):
        if self.depth and tag in BLOCKS:
            self._end_line()

    def handle_endtag(self, tag):
        if not self.depth or self.done or tag in VOID:
            return
        if tag in BLOCKS:
            self._end_line()
        self.depth -= 1
        self.links -= tag == "a"
        self.skipping -= tag in SKIPPED
        if not self.depth:
            self.done = True

    def handle_data(self, data):
        if self.depth and not self.skipping:
            self.text.append(data)
            if not self.links:
                self.plain.append(data)


def sentences(html: str) -> list[str]:
    """The sentences of the page's article that count, in order."""
    parser = _Lines()
    parser.feed(html)
    parser.close()
    found = []
    for line, only_links in parser.lines:
        if only_links:
            continue
        for sentence in ENDS.split(line):
            sentence = sentence.strip()
            if len(HAN.findall(sentence)) >= MIN_HAN and not TITLE.match(sentence):
                found.append(sentence)
    return found


def repeated_sentences(html: str) -> dict[str, int]:
    """Sentences shown more than once, with how often; {} when none is."""
    return {sentence: n for sentence, n in Counter(sentences(html)).items() if n > 1}
