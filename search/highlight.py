"""Snippets with the query's words marked."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import Analyzed, normalize


def highlight(text: str, terms: Analyzed, length: int = 120) -> SafeString:
    """Escape ``text`` and wrap the query's words and pieces in <mark>."""
    text = (text or "")[:length]
    norm = normalize(text)
    if len(norm) != len(text):
        return mark_safe(escape(text))
    needles = sorted({t for t in [*terms.words, *terms.grams] if len(t) >= 2}, key=len, reverse=True)
    return _wrap(text, _marked(norm, needles))


def _marked(norm: str, needles: list[str]) -> list[bool]:
    """For each character of ``norm``, whether it is part of a needle."""
    marks = [False] * len(norm)
    for needle in needles:
        start = norm.find(needle)
        while start != -1:
            for i in range(start, start + len(needle)):
                marks[i] = True
            start = norm.find(needle, start + 1)
    return marks


def _wrap(text: str, marks: list[bool]) -> SafeString:
    out, open_ = [], False
    for char, marked in zip(text, marks, strict=True):
        if marked and not open_:
            out.append("<mark>")
        if not marked and open_:
            out.append("</mark>")
        open_ = marked
        out.append(escape(char))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))
