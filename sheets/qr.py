"""QR codes as SVG images, so WeasyPrint draws them as vectors (sharp at any print size)."""

from __future__ import annotations

import base64
import io
import re

import segno


def qr_svg(data: str) -> str:
    """An SVG document encoding ``data`` with medium error correction (survives a crease or stain).

    Segno writes width and height but no viewBox; one is added so the code
    scales to whatever size the stylesheet gives it.
    """
    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, nl=False, svgclass=None, lineclass=None)
    svg = buffer.getvalue().decode()
    size = code.symbol_size(scale=1, border=2)[0]
    return re.sub(r"<svg ", f'<svg viewBox="0 0 {size} {size}" ', svg, count=1)


def qr_data_uri(data: str) -> str:
    """The QR code as a data: URI for an ``<img>``, which can carry alt text in a tagged PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data).encode()).decode()
