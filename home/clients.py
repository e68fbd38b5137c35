"""Who is asking: the client's address behind trusted proxies, and an anonymous client key.

``X-Forwarded-For`` is written by whoever sent the request, so it is believed
only as far as the proxies listed in ``settings.TRUSTED_PROXIES`` (addresses
or networks, e.g. ``127.0.0.1`` or ``10.0.0.0/8``; default none). Each trusted
hop appends the address it received the request from; walking the header from
the right, the first address that is not a trusted proxy is the client. With
no trusted proxies the client is ``REMOTE_ADDR``, whatever the header says.

Used for rate limits (``ratelimit_key``) and for counting a search once per
client (``client_hash``); neither stores the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPV6_RATE_LIMIT_PREFIX = 64  # one household or phone gets a /64; limit the whole block, as django-ratelimit does

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def trusted_networks() -> tuple[Network, ...]:
    """The configured proxies as networks (a bare address is a /32 or /128)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text; ``X-Forwarded-For`` counts only behind ``TRUSTED_PROXIES``."""
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return "0.0.0.0"  # no usable peer address (e.g. a unix socket without a proxy header): one shared bucket
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h for h in forwarded.split(",") if h.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # a trusted proxy would not write this: stop at the last hop we believe
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the client address, an IPv6 client's /64 as one."""
    address = ipaddress.ip_address(client_address(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_RATE_LIMIT_PREFIX}", strict=False).network_address)
    return str(address)


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address and user agent: tells clients apart, says nothing about them."""
    material = f"{client_address(request)}\n{request.META.get('HTTP_USER_AGENT', '')[:300]}"
    return hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()[:32]
