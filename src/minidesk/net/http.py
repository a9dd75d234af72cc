"""The one way minidesk makes an outbound HTTP request (webhooks to customers and rules,
channel providers' APIs).

Each call vets its destination (``addresses.check_destination``) and connects to the vetted
address itself, keeping the URL's host name for the ``Host`` header and TLS (SNI and the
certificate check), so no second DNS lookup can swap the address. It follows no redirects
(a 3xx could point anywhere) unless the caller asks for a bounded number, and then vets every
hop's destination as it vetted the first. It ignores proxy variables, asks for no compression
and reads at most ``MINIDESK_OUTBOUND_MAX_RESPONSE_BYTES`` of the answer (or the caller's own
bound) within ``MINIDESK_OUTBOUND_TIMEOUT_SECONDS`` all told.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import httpx

from minidesk.net.addresses import Destination, OutboundError, check_destination
from minidesk.settings import get_settings


@dataclass(frozen=True)
class Response:
    status: int
    headers: httpx.Headers
    body: bytes  # at most the configured number of bytes
    truncated: bool

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def post(url: str, body: bytes, headers: Mapping[str, str]) -> Response:
    """POST ``body`` to ``url``; raises ``OutboundError`` when refused, unreachable or slow."""
    return _request("POST", url, body, headers)


def get(
    url: str, headers: Mapping[str, str], *, max_bytes: int | None = None, max_redirects: int = 0
) -> Response:
    """GET ``url`` (a provider's API looked up, never a customer's URL followed blindly).

    ``max_bytes`` replaces the configured bound on the answer (a media file is bigger than a
    webhook's answer). ``max_redirects`` > 0 follows that many 3xx hops at most, each one's
    destination vetted afresh (scheme, host, every address); ``Authorization`` is only sent
    again to the origin that was asked first, never to another host the provider points at.
    """
    deadline = time.monotonic() + get_settings().outbound_timeout_seconds
    current, sent = url, dict(headers)
    origin = _origin(httpx.URL(url)) if max_redirects else None
    for _hop in range(max_redirects + 1):
        response = _request("GET", current, b"", sent, deadline=deadline, max_bytes=max_bytes)
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location or not max_redirects:
            return response
        try:
            target = httpx.URL(current).join(location)
        except (httpx.InvalidURL, TypeError) as exc:
            raise OutboundError(f"a redirect to an invalid URL: {exc}", permanent=True) from None
        current = str(target)
        if _origin(target) != origin:
            sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
    raise OutboundError(
        f"more than {max_redirects} redirect(s) starting from {url}", permanent=True
    )


# The redirects a GET may follow (304 is no redirect; 300 asks a person to choose).
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _request(
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    deadline: float | None = None,
    max_bytes: int | None = None,
) -> Response:
    destination = check_destination(url)
    if deadline is None:
        deadline = time.monotonic() + get_settings().outbound_timeout_seconds
    failure: OutboundError | None = None
    # Every resolved address was vetted; try them in the resolver's order as a browser would.
    for address in destination.addresses:
        try:
            return _send_to(
                method, str(address), destination, body, headers, deadline, max_bytes
            )
        except httpx.ConnectError as exc:
            failure = OutboundError(f"cannot connect to {address}: {exc}", permanent=False)
    assert failure is not None  # check_destination returns at least one address
    raise failure


@cache
def _tls_context(ca_file: str) -> ssl.SSLContext:
    """httpx's usual CAs (certifi's) plus ``MINIDESK_OUTBOUND_CA_FILE``'s, built once."""
    context = httpx.create_ssl_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _send_to(
    method: str,
    address: str,
    destination: Destination,
    body: bytes,
    headers: Mapping[str, str],
    deadline: float,
    max_bytes: int | None = None,
) -> Response:
    settings = get_settings()
    url = destination.url
    limit = settings.outbound_max_response_bytes if max_bytes is None else max_bytes
    # The Host header and SNI name the site; the socket goes to the address we vetted.
    request_headers = {
        **headers,
        "Host": url.netloc.decode("ascii"),
        "Accept-Encoding": "identity",  # a compressed answer could expand past the limit
    }
    sni = url.raw_host.decode("ascii")
    extensions = {"sni_hostname": sni} if url.scheme == "https" else {}
    # Each phase (connect, send, every read) gets what is left of the call's time.
    timeout = httpx.Timeout(max(deadline - time.monotonic(), 0.001))
    try:
        with (
            httpx.Client(
                verify=_tls_context(settings.outbound_ca_file),
                trust_env=False,
                follow_redirects=False,
                timeout=timeout,
            ) as client,
            client.stream(
                method,
                url.copy_with(host=address),
                content=body,
                headers=request_headers,
                extensions=extensions,
            ) as response,
        ):
            received = bytearray()
            for chunk in response.iter_raw():
                received += chunk
                if len(received) > limit:
                    break
                if time.monotonic() > deadline:
                    raise OutboundError("the receiver answered too slowly", permanent=False)
            kept, truncated = bytes(received[:limit]), len(received) > limit
            return Response(response.status_code, response.headers, kept, truncated)
    except httpx.TimeoutException:
        raise OutboundError("timed out", permanent=False) from None
    except httpx.ConnectError:
        raise  # _request() tries the next address
    except httpx.HTTPError as exc:
        raise OutboundError(f"{type(exc).__name__}: {exc}", permanent=False) from None
