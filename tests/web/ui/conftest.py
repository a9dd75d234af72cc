"""Real-browser fixtures: the distribution's Chromium driven by Playwright, against the app
served by uvicorn on a free local port in a thread of the test process."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import expect
from tests.conftest import share_openapi

from minidesk import settings

# Without the background-networking flags Chromium keeps dialling Google's hosts, which a
# closed network refuses again and again; the sandbox needs root-less namespaces CI lacks.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("MINIDESK_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


# Per module, not per session: while Playwright's sync API is open its event loop counts as
# running in the main thread, so any later test's ``asyncio.run`` would fail (with xdist, a
# worker runs browser tests and others in any order). Leaving a module closes it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = "no Chromium: install the distribution's chromium package (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# The live server shares CI's two cores with a second test process, its browser and servers:
# an API call to it may take longer than httpx's 5 s default. Nothing here measures speed.
HTTPX_SECONDS = 30


@pytest.fixture
def live_server(config: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from minidesk.web.app import create_app

    for name in ("request", "get", "post", "put", "patch", "delete"):
        # A call's own timeout still wins (partial's keywords give way to the call's).
        monkeypatch.setattr(
            httpx, name, functools.partial(getattr(httpx, name), timeout=HTTPX_SECONDS)
        )

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            share_openapi(create_app(config, embedded_workers=0)),
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


# A page load waits for the desk's server, which shares CI's two cores with a second test
# process and its own servers: actions keep a 10 s limit, loading a page gets more.
NAVIGATION_MS = 30_000
# And an ``expect`` (5 s by default) as much as an action: a live change is a notice and then
# a fetch of the page, each behind whatever the server is busy with (a first message's
# listeners held the write lock for 7 s in one CI run). A satisfied expectation returns at
# once, so only a failing test waits longer.
ASSERT_MS = 20_000


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    opened.set_default_navigation_timeout(NAVIGATION_MS)
    expect.set_options(timeout=ASSERT_MS)
    yield opened
    context.close()
