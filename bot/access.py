"""Who may read a service's metrics: this machine directly, or whoever has the token."""

from __future__ import annotations

import ipaddress
from typing import Any

# Headers a reverse proxy adds: such a request only looks local, the client is elsewhere.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def is_local_request(request: Any) -> bool:
    """Whether the request comes straight from this machine: a loopback peer, not through a proxy.

    A reverse proxy on this machine connects from 127.0.0.1 too; the forwarding headers it
    adds give it away, and then the request needs the token like any other.
    """
    if any(request.headers.get(header) for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.ip)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback
