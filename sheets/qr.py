"""QR codes as SVG images, so WeasyPrint draws them as vectors (sharp at any print size).

A sheet's QR code holds a short address, ``<public address>/s/<code>/<edition>``,
which redirects to the page's current URL (``views.short_address``): few
characters make a small code with large modules, and the address survives a
change of the page's slug.
"""

from __future__ import annotations

import base64
import io
import re
from urllib.parse import urlsplit

import segno

from home.models import is_local_url

# First path segment of the short address; portal/urls.py routes it to ``views.short_address``.
SHORT_PREFIX = "s"
# Quiet zone in modules: the four the QR standard asks for, so a code printed
# next to text or a frame line still scans.
QUIET_ZONE = 4
# Host names reserved for examples and tests (RFC 2606, RFC 6761): nobody can reach them.
DEMO_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
DEMO_DOMAINS = {"example", "test", "invalid", "example.com", "example.net", "example.org"}


def short_address(base: str, code: str, number: int) -> str:
    """The address a sheet's QR code encodes: ``https://town.example/s/QH-MZ-001/3``."""
    return f"{base.rstrip('/')}/{SHORT_PREFIX}/{code}/{number}"


def is_demo_url(url: str) -> bool:
    """True for a host reserved for examples (``qinghe.example``, ``x.test``, ``example.com`` …)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host in DEMO_DOMAINS or host.endswith(DEMO_SUFFIXES):
        return True
    return any(host.endswith("." + domain) for domain in DEMO_DOMAINS if "." in domain)


def is_printable_address(base: str) -> bool:
    """True when residents can open ``base`` from their phones: set, not local, not a demo host."""
    return bool(base) and not is_local_url(base) and not is_demo_url(base)


def qr_svg(data: str) -> str:
    """An SVG document encoding ``data`` with quartile error correction (survives a crease, stain or glare).

    Segno writes a fixed width and height but no viewBox; swapping them for a
    viewBox lets the code fill exactly the box the stylesheet gives it.
    """
    code = segno.make(data, error="q", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=1,
        border=QUIET_ZONE,
        xmldecl=False,
        svgns=True,
        nl=False,
        svgclass=None,
        lineclass=None,
    )
    svg = buffer.getvalue().decode()
    size = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", f'<svg viewBox="0 0 {size} {size}" ', 1)


def qr_data_uri(data: str) -> str:
    """The QR code as a data: URI for an ``<img>``, which can carry alt text in a tagged PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data).encode()).decode()
