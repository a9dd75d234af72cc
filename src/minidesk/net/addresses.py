"""Where outbound HTTP may go: URL rules, the one DNS lookup, and which addresses are public.

A webhook URL is set by a person but fetched by the server, from inside its network. So a URL
is only as safe as the addresses its host resolves to *when we connect*: every call resolves
here, refuses if any address is internal, and the caller connects to the vetted address
itself (a second lookup could answer differently: DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from minidesk.settings import get_settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not global but missed by ``is_global``/``is_private`` on some Python versions, or
# reachable internals behind public-looking prefixes.
EXTRA_BLOCKED = {
    ipaddress.ip_network(cidr): kind
    for cidr, kind in (
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),  # Alibaba's metadata service is here
        ("192.0.0.0/24", "reserved"),  # IETF protocol assignments; Oracle's metadata service
        ("198.18.0.0/15", "reserved"),  # benchmarking
        ("64:ff9b:1::/48", "private"),  # local-use NAT64
        ("fec0::/10", "private"),  # deprecated site-local
    )
}
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundError(Exception):
    """An outbound call was refused or failed. ``permanent``: the same call will fail again
    (a forbidden address, a bad URL), so retrying is pointless."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Destination:
    url: httpx.URL
    addresses: tuple[Address, ...]  # vetted, in the resolver's order


def resolve(host: str, port: int) -> list[Address]:
    """The host's addresses. The only DNS lookup outbound HTTP makes (tests patch it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: dict[Address, None] = {}
    for *_, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(found)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to the same host (mapped, NAT64, 6to4, Teredo)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return address.teredo[1] if address.teredo is not None else None


def internal_kind(address: Address) -> str | None:
    """Why ``address`` is not a public destination ("loopback", "private" …), or None."""
    inner = _embedded_ipv4(address)
    if inner is not None and (kind := internal_kind(inner)) is not None:
        return kind
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        *((kind, address in network) for network, kind in EXTRA_BLOCKED.items()),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-global", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def check_address(address: Address) -> None:
    """Refuse an internal address unless ``MINIDESK_OUTBOUND_ALLOW`` names its network."""
    kind = internal_kind(address)
    if kind is None:
        return
    allowed = get_settings().outbound_allowed_networks
    if any(address in network for network in allowed):
        return
    raise OutboundError(
        f"{address} is a {kind} address; webhooks only reach public addresses "
        "(allow an intranet with MINIDESK_OUTBOUND_ALLOW)",
        permanent=True,
    )


def parse_url(url: str) -> httpx.URL:
    """Check the URL's form: scheme, host, no credentials."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise OutboundError(f"not a URL: {exc}", permanent=True) from None
    schemes = ("https", "http") if get_settings().outbound_allow_http else ("https",)
    if parsed.scheme not in schemes:
        raise OutboundError(
            f"the URL must start with {' or '.join(f'{s}://' for s in schemes)}"
            + ("" if "http" in schemes else " (MINIDESK_OUTBOUND_ALLOW_HTTP allows http://)"),
            permanent=True,
        )
    if not parsed.host:
        raise OutboundError("the URL has no host", permanent=True)
    if parsed.userinfo:
        raise OutboundError("the URL may not carry a user name or password", permanent=True)
    return parsed


def check_destination(url: str) -> Destination:
    """Parse ``url``, resolve its host once and vet every address it resolves to.

    All addresses must be public (or allowed): a name that resolves to one public and one
    internal address would otherwise reach the internal one on some attempts.
    """
    parsed = parse_url(url)
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, as DNS knows it
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            # Often temporary (a resolver hiccup); the outbox retries.
            raise OutboundError(f"{host} does not resolve: {exc}", permanent=False) from None
    if not addresses:
        raise OutboundError(f"{host} has no addresses", permanent=False)
    for address in addresses:
        check_address(address)
    return Destination(parsed, tuple(addresses))
