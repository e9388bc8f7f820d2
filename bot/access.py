"""Who may use a protected route: this machine directly, or whoever has the token."""

from __future__ import annotations

import hmac
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


def token_matches(given: str | None, expected: str) -> bool:
    """Whether a token was given and is the expected one, compared in constant time."""
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or "" without one.

    The scheme is read in any case (`bearer`, `BEARER`), as HTTP says of auth schemes.
    """
    header = header or ""
    return header[7:] if header[:7].lower() == "bearer " else ""
