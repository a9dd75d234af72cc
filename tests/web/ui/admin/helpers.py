"""Signing a cast member into the workspace with a test client, for the admin page tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.ui.test_sessions import _form_csrf, _set_password, sign_in


def signed_in(client: TestClient, email: str) -> str:
    """Sign ``email`` in on ``client``; the session's form CSRF token."""
    _set_password(email)
    sign_in(client, email)
    return _form_csrf(client.get("/inbox").text)
