"""Where webhooks may go: public addresses only, unless an operator lists a network.

A webhook URL is chosen by an admin, but the request is made by Sigap from inside its own
network, so a URL aimed at ``127.0.0.1:6379``, ``10.0.0.1`` or the cloud metadata service at
``169.254.169.254`` would let whoever holds an admin account (or steals one) probe and talk to
internal services. Every address a host name resolves to is checked against :data:`SPECIAL`
(loopback, private, shared, link-local, metadata, multicast, reserved, unspecified), once at
registration and again at every delivery, where the connection then goes to exactly the
address that was checked (``notify.transport``): a name that resolves to a public address for
the check and to ``127.0.0.1`` a moment later (DNS rebinding) gains nothing.

IPv6 addresses that carry an IPv4 address (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``,
6to4 ``2002::/16``) are judged by the IPv4 address inside. Receivers on the operator's own
network are listed in ``SIGAP_WEBHOOK_ALLOW`` (comma-separated CIDRs); nothing else gets past.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import cache
from socket import getaddrinfo  # a name of this module: tests fake the DNS here, nowhere else

from httpx2 import URL, InvalidURL

from sigap.errors import SigapError
from sigap.notify.outbox import Undeliverable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _nets(reason: str, *cidrs: str) -> list[tuple[Network, str]]:
    return [(ipaddress.ip_network(cidr), reason) for cidr in cidrs]


# The IANA special-purpose registries, most specific first (the first match names the reason).
# Explicit rather than ``ipaddress.is_global``, whose answers differ between Python releases.
SPECIAL: list[tuple[Network, str]] = [
    *_nets("metadata", "169.254.169.254/32", "100.100.100.200/32", "192.0.0.192/32"),
    *_nets("metadata", "fd00:ec2::254/128"),
    *_nets("unspecified", "0.0.0.0/8", "::/128"),
    *_nets("loopback", "127.0.0.0/8", "::1/128"),
    *_nets("private", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"),
    *_nets("private", "fc00::/7", "fec0::/10", "64:ff9b:1::/48"),
    *_nets("link-local", "169.254.0.0/16", "fe80::/10"),
    *_nets("multicast", "224.0.0.0/4", "ff00::/8"),
    *_nets("reserved", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15"),
    *_nets("reserved", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"),
    *_nets("reserved", "::/8", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20"),
]
# Only this part of IPv6 is handed out for public unicast; the rest is reserved.
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Refusal:
    host: str
    address: str
    reason: str  # loopback, private, link-local, metadata, multicast, reserved, unspecified

    def __str__(self) -> str:
        via = "" if self.host == self.address else f"{self.host} resolves to "
        where = f"{via}{self.address} ({self.reason})"
        return f"{where}: not a webhook target unless listed in SIGAP_WEBHOOK_ALLOW"


class TargetForbidden(Undeliverable):
    """A delivery refused before any byte was sent: final, never retried on its own."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


class ResolveFailed(OSError):
    """The name did not resolve."""


class ResolveTimeout(ResolveFailed):
    """The resolver gave no answer within the time left."""


@cache
def parse_allow(setting: str) -> tuple[Network, ...]:
    """``SIGAP_WEBHOOK_ALLOW``: comma-separated networks (``10.20.0.0/16, 192.168.5.7``)."""
    parts = (part.strip() for part in setting.split(","))
    return tuple(ipaddress.ip_network(part, strict=False) for part in parts if part)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def reason_refused(address: Address) -> str | None:
    """Why a webhook may not go to ``address`` (None: it may), before any allow-list."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None:
            return reason_refused(inner)
    for network, reason in SPECIAL:
        if address.version == network.version and address in network:
            return reason
    if isinstance(address, ipaddress.IPv6Address) and address not in GLOBAL_UNICAST_V6:
        return "reserved"
    return None


def _allowed(address: Address, allow: Iterable[Network]) -> bool:
    candidates: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address) and (inner := _embedded_v4(address)):
        candidates.append(inner)
    return any(a.version == n.version and a in n for a in candidates for n in allow)


def refusal(host: str, addresses: list[str], allow: Iterable[Network]) -> Refusal | None:
    """The first of ``addresses`` a webhook may not reach, or None when all are fine."""
    allow = tuple(allow)
    for text in addresses:
        address = ipaddress.ip_address(text.partition("%")[0])  # an IPv6 zone is not the address
        reason = reason_refused(address)
        if reason is not None and not _allowed(address, allow):
            return Refusal(host, str(address), reason)
    return None


@cache
def _resolvers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(4, "sigap-resolve")


def resolve(host: str, port: int, *, timeout_s: float) -> list[str]:
    """The addresses of ``host``, in the resolver's order, within ``timeout_s`` (the system's
    resolver has no deadline of its own: it runs on a helper thread that is not waited for).
    Numeric forms (``2130706433``, ``0x7f.1``) come back as the address they mean."""
    try:
        return [str(ipaddress.ip_address(host.partition("%")[0]))]
    except ValueError:
        pass
    future = _resolvers().submit(getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(timeout_s, 0.0))
    except FutureTimeout as exc:
        raise ResolveTimeout(f"{host} did not resolve within {timeout_s:.3g} s") from exc
    except (OSError, UnicodeError) as exc:
        raise ResolveFailed(f"{host} does not resolve: {exc}") from exc
    found = [str(info[4][0]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
    return list(dict.fromkeys(found))


def check_registration(url: str, *, allow: str, timeout_s: float, field: str = "url") -> None:
    """Refuse (422 ``webhook_target_forbidden``) a URL whose host is, or resolves to, an
    address webhooks may not reach. A name that does not resolve (yet) is accepted: every
    delivery resolves and checks again, and that check is the one that counts."""
    try:
        parsed = URL(url)
    except InvalidURL:
        return  # the caller's own validation answers for a URL that is not one
    host = parsed.raw_host.decode("ascii")  # what the delivery will resolve (IDNA-encoded)
    if not host or parsed.scheme not in ("http", "https"):
        return
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = resolve(host, port, timeout_s=timeout_s)
    except ResolveFailed:
        return
    found = refusal(host, addresses, parse_allow(allow))
    if found is not None:
        detail = {"field": field, "host": host, "address": found.address, "reason": found.reason}
        raise SigapError(
            "webhook_target_forbidden",
            details=[detail],
            host=host,
            address=found.address,
        )
