"""The one way minidesk makes an outbound HTTP request (webhooks to customers and rules,
channel providers' APIs).

Each call vets its destination (``addresses.check_destination``) and connects to the vetted
address itself, keeping the URL's host name for the ``Host`` header and TLS (SNI and the
certificate check), so no second DNS lookup can swap the address. It follows no redirects
(a 3xx could point anywhere), ignores proxy variables, asks for no compression and reads at
most ``MINIDESK_OUTBOUND_MAX_RESPONSE_BYTES`` of the answer within
``MINIDESK_OUTBOUND_TIMEOUT_SECONDS`` all told.
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


def get(url: str, headers: Mapping[str, str]) -> Response:
    """GET ``url`` (a provider's API looked up, never a customer's URL followed blindly)."""
    return _request("GET", url, b"", headers)


def _request(method: str, url: str, body: bytes, headers: Mapping[str, str]) -> Response:
    destination = check_destination(url)
    deadline = time.monotonic() + get_settings().outbound_timeout_seconds
    failure: OutboundError | None = None
    # Every resolved address was vetted; try them in the resolver's order as a browser would.
    for address in destination.addresses:
        try:
            return _send_to(method, str(address), destination, body, headers, deadline)
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
) -> Response:
    settings = get_settings()
    url = destination.url
    limit = settings.outbound_max_response_bytes
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
