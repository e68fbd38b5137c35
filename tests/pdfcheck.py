"""Reading PDFs the way a checker would: pypdf for structure and text, PDFium + zxing-cpp for QR codes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdf
import pypdfium2
import zxingcpp

A4 = (595.3, 841.9)
A3 = (841.9, 1190.6)


@dataclass
class PdfFacts:
    pages: int
    sizes: list[tuple[float, float]]
    texts: list[str]
    lang: str
    title: str
    tagged: bool
    has_structure: bool
    declares_pdf_ua: bool  # XMP pdfuaid:part and DisplayDocTitle, as PDF/UA-1 requires

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def read(pdf: bytes) -> PdfFacts:
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo") or {}
    return PdfFacts(
        pages=len(reader.pages),
        sizes=[(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in reader.pages],
        texts=[page.extract_text() or "" for page in reader.pages],
        lang=str(root.get("/Lang", "")),
        title=str((reader.metadata or {}).get("/Title", "")),
        tagged=bool(mark_info.get("/Marked", False)),
        has_structure="/StructTreeRoot" in root,
        declares_pdf_ua=_declares_pdf_ua(root),
    )


def _declares_pdf_ua(root) -> bool:
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata is not None else ""
    preferences = root.get("/ViewerPreferences") or {}
    part_one = re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp) is not None
    return part_one and bool(preferences.get("/DisplayDocTitle"))


def is_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 1.5 and abs(size[1] - expected[1]) < 1.5


def qr_codes(pdf: bytes, page_index: int = 0, scale: float = 3.0) -> list[str]:
    """Decode every QR code on one page, rendered at about 216 dpi as a phone camera would see it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page_index].render(scale=scale).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image) if "QR" in str(result.format)]


def font_unicode_maps(pdf: bytes) -> dict[str, set[str]]:
    """For each embedded font, the characters its ToUnicode map gives to a real glyph (not .notdef)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    maps: dict[str, set[str]] = {}
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            maps.setdefault(name, set()).update(_cmap_characters(cmap.get_object().get_data().decode("latin-1")))
    return maps


def _cmap_characters(cmap: str) -> set[str]:
    """Characters mapped from a glyph id other than 0 in a ToUnicode CMap (bfchar and bfrange)."""
    chars: set[str] = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            if int(glyph, 16) != 0:
                chars.add(bytes.fromhex(target).decode("utf-16-be"))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = bytes.fromhex(target).decode("utf-16-be")
            for offset in range(int(end, 16) - int(start, 16) + 1):
                if int(start, 16) + offset != 0:
                    chars.add(chr(ord(base[-1]) + offset))
    return chars
