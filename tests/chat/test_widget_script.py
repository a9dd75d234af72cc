"""The embeddable script: small, served as JavaScript, and never inserting HTML."""

from __future__ import annotations

from fastapi.testclient import TestClient

LIMIT = 30 * 1024


def test_widget_js_is_small_javascript_that_inserts_only_text(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) < LIMIT
    script = response.text
    # Lines from visitors and agents alike go in as text nodes, never parsed as markup.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script
