"""The font stack sheets are set in, and a coverage check for content.

Noto Sans CJK SC (Debian ``fonts-noto-cjk``) covers the common and
traditional characters and CJK Extension A; HanaMin A/B (``fonts-hanazono``)
fill in Extensions B-F, where rare characters in personal and place names
live. Fontconfig resolves the families; ``missing_characters`` reads the
same files with fontTools so editors learn about a character no font has
before it prints as an empty box.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

FONT_FAMILIES = ("Noto Sans CJK SC", "HanaMinA", "HanaMinB")
FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
)
CSS_FONT_STACK = ", ".join(f'"{family}"' for family in FONT_FAMILIES) + ", sans-serif"


@functools.cache
def covered_codepoints() -> frozenset[int]:
    """Every code point some font in the stack has a glyph for."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    for path in FONT_FILES:
        if not path.exists():
            continue
        if path.suffix == ".ttc":
            fonts = TTCollection(str(path), lazy=True).fonts[:1]
        else:
            fonts = [TTFont(str(path), lazy=True)]
        for font in fonts:
            points.update(font.getBestCmap())
    return frozenset(points)


def missing_characters(text: str) -> list[str]:
    """Characters in ``text`` that no font in the stack can draw, in order of appearance."""
    covered = covered_codepoints()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) in covered or char in seen:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue
        seen[char] = None
    return list(seen)
