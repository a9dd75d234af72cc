"""A lean HTTP/1.1 load generator for the benchmarks.

httpx costs 0.5-1 ms of CPU per request, which on a 2-core machine is as much as the server
being measured. Here every request is pre-built bytes sent over keep-alive connections with raw
asyncio streams; a response is read by its status line and Content-Length alone, so the client
spends tens of microseconds per request and the figures describe the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    failures: int = 0
    first_failure: str = ""


def build_request(
    host: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length = 0
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise ValueError("chunked responses are not expected from this endpoint")
    return status, await reader.readexactly(length) if length else b""


def json_status_check(
    expected_status: int, expected_json: dict[str, object]
) -> Callable[[int, bytes], str | None]:
    """A response check: the HTTP status, and these keys' values in the JSON body."""

    def check(status: int, body: bytes) -> str | None:
        if status != expected_status:
            return f"HTTP {status}: {body[:300]!r}"
        document = json.loads(body)
        for key, value in expected_json.items():
            if document.get(key) != value:
                return f"{key}={document.get(key)!r}, expected {value!r}: {body[:300]!r}"
        return None

    return check


async def run(
    url: str,
    requests: Sequence[bytes],
    concurrency: int,
    check: Callable[[int, bytes], str | None],
    rate: float | None = None,
) -> LoadResult:
    """Send ``requests`` (each once) over ``concurrency`` keep-alive connections.

    Without ``rate`` each connection sends its next request as soon as it has the answer to
    the last (closed loop: the throughput the server can sustain, latency under saturation,
    which is about ``concurrency / throughput``). With ``rate`` request *i* is due at
    ``i / rate`` seconds (open loop) and its latency runs from when it was due, so a request
    that waited for a free connection counts that wait (no coordinated omission).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    result = LoadResult()
    cursor = iter(range(len(requests)))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in cursor:
                start = time.perf_counter()
                if rate:
                    due = started + i / rate
                    if due > start:
                        await asyncio.sleep(due - start)
                    start = due
                writer.write(requests[i])
                status, body = await _read_response(reader)
                result.latencies.append(time.perf_counter() - start)
                problem = check(status, body)
                if problem is not None:
                    result.failures += 1
                    result.first_failure = result.first_failure or problem
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def run_blocking(
    url: str,
    requests: Sequence[bytes],
    concurrency: int,
    check: Callable[[int, bytes], str | None],
    rate: float | None = None,
) -> LoadResult:
    """``run`` on uvloop when it is installed (it halves the client's own CPU per request)."""
    load = run(url, requests, concurrency, check, rate)
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load)
    return uvloop.run(load)
