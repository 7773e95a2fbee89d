"""The client's address: the TCP peer, or what X-Forwarded-For says when (and only when) the peer is one of the
configured reverse proxies (IC_TRUSTED_PROXIES). A caller reaching the gateway directly cannot write another
address into the trail by sending the header itself."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from fastapi import Request


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def within(address: str | None, entries: Iterable[str]) -> bool:
    entries = tuple(entries)
    if address and address in entries:  # a name, as test clients have ("testclient")
        return True
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(e for e in entries if _is_network(e))))


def client_address(request: Request) -> str | None:
    peer = request.client.host if request.client else None
    trusted = request.app.state.settings.trusted_proxies
    forwarded = request.headers.get("x-forwarded-for")
    if not forwarded or not within(peer, trusted):
        return peer
    # Right to left: each hop appends the address it saw; the first one not a proxy of ours is the client.
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not within(hop, trusted):
            return hop if _is_ip(hop) else peer
    return hops[0] if hops and _is_ip(hops[0]) else peer


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True
