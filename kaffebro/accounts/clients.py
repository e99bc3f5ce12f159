"""Who is asking: the client's address behind the proxies we trust, and keys that do not reveal it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

UNKNOWN_CLIENT = "unknown"


def client_address(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost proxy saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything further left is the client's own
    claim. An IPv6 client counts by its /64, which one customer usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN_CLIENT
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def opaque_key(purpose: str, value: str) -> str:
    """A keyed hash of an address: equal inputs give equal keys, and the table never holds the address."""
    return salted_hmac(f"kaffebro.accounts.{purpose}", value, algorithm="sha256").hexdigest()
