"""An app is garbage once its client has closed: nothing process-wide (FastAPI's caches of the
endpoints it has seen, our own module-level routers) may keep it, or a process that builds an
app per test holds every one of them (some 0.8 MB each, and the collector walks them all)."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from minidesk import settings
from minidesk.web import app as web_app


def test_an_app_is_released_once_its_client_closes(config: settings.Settings) -> None:
    # The process's one gc.freeze() (at the first app's start) pins what is alive then, for
    # good by design: done before this app exists, so it cannot be what keeps it.
    web_app._freeze_once()
    app = web_app.create_app(config, embedded_workers=0)
    released = weakref.ref(app)
    with TestClient(app) as client:
        # Each kind of endpoint: the API docs' own, a feature router's, create_app's.
        for path in ("/docs", "/redoc", "/docs/oauth2-redirect", "/openapi.json", "/healthz"):
            assert client.get(path).status_code == 200, path
        assert client.get("/api/v1/tickets").status_code == 401
    del app, client
    gc.collect()
    assert released() is None, [type(r).__name__ for r in gc.get_referrers(released())]
