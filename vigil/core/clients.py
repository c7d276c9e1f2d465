"""Who is asking, as far as the server can tell: the client's address and its network.

Behind ``VIGIL_PROXY_COUNT`` trusted proxies the address is the one the nearest of them saw
(counted from the right of X-Forwarded-For); otherwise it is the connection's own.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    """The client's address, or "" when there is none."""
    if request is None:
        return ""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "")


def network_of(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one: what one household or one rented
    server range usually holds.  "unknown" for anything that is not an address."""
    ip = ip.strip()
    parts = ip.split(".")
    if len(parts) == 4 and all(_octet(part) for part in parts):
        return f"{parts[0]}.{parts[1]}.{parts[2]}.0/24"  # what ipaddress says, much sooner
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _octet(part: str) -> bool:
    """A decimal octet as :mod:`ipaddress` reads one: 0-255, no leading zero."""
    return (
        0 < len(part) <= 3
        and part.isascii()
        and part.isdigit()
        and (part == "0" or part[0] != "0")
        and int(part) <= 255
    )
