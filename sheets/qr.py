"""QR codes as SVG images, so WeasyPrint draws them as vectors (sharp at any print size)."""

from __future__ import annotations

import base64
import io
import re

import segno


def qr_svg(data: str) -> str:
    """An SVG document encoding ``data`` with medium error correction (survives a crease or stain).

    Segno writes a fixed width and height but no viewBox; swapping them for a
    viewBox lets the code fill exactly the box the stylesheet gives it.
    """
    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, nl=False, svgclass=None, lineclass=None)
    svg = buffer.getvalue().decode()
    size = code.symbol_size(scale=1, border=2)[0]
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", f'<svg viewBox="0 0 {size} {size}" ', 1)


def qr_data_uri(data: str) -> str:
    """The QR code as a data: URI for an ``<img>``, which can carry alt text in a tagged PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data).encode()).decode()
