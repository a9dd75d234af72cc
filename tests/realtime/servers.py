"""Real web processes (uvicorn, as ``minidesk serve --workers N`` runs them) for stream tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

SRC = Path(__file__).resolve().parents[2] / "src"
# Generous: a loaded CI machine takes tens of seconds to import the app.
START_SECONDS = 240
UVICORN = [*(sys.executable, "-m", "uvicorn"), "minidesk.web.asgi:app_without_workers"]
UVICORN += ["--log-level", "warning"]
UVICORN = [sys.executable, "-m", "uvicorn", "minidesk.web.asgi:app_without_workers"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(database_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDESK_")}
    env.update(
        PYTHONPATH=str(SRC),
        MINIDESK_DATABASE_URL=database_url,
        MINIDESK_SECRET_KEY="test-secret-key-of-32-bytes-or-more",
        MINIDESK_QUEUE_URL="memory://",
        MINIDESK_LOG_LEVEL="warning",
    )
    env.update({f"MINIDESK_{name.upper()}": value for name, value in settings.items()})
    return env


@contextlib.contextmanager
def web_processes(count: int, env: dict[str, str]) -> Iterator[list[str]]:
    """``count`` web processes on one database; yields their base URLs once all answer."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [*UVICORN, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + START_SECONDS
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, f"{url} exited with {process.returncode}"
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                assert time.monotonic() < deadline, f"{url} did not start"
                time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
