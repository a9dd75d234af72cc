"""The help widget's public endpoints: only pages of allowed sites (the widget's own list or a
chat widget's) may call them from a browser, internal articles never reach them, and what
visitors do is counted as deflection in analytics."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.conftest import KB, write

SHOP = "https://shop.example"
STRANGER = "https://evil.example"
VISIT = "a1b2c3d4e5f6a7b8"


def _allow(client: TestClient, cast: Cast, *origins: str) -> list[str]:
    put = client.put(f"{KB}/widget", json={"allowed_origins": list(origins)},
                     headers=cast.leo.headers)  # fmt: skip
    assert put.status_code == 200, put.text
    return put.json()["allowed_origins"]  # type: ignore[no-any-return]


def _event(client: TestClient, visit: str, action: str, article_id: int | None = None) -> int:
    body: dict[str, object] = {"visit": visit, "action": action}
    if article_id is not None:
        body["article_id"] = article_id
    return client.post(f"{KB}/widget/events", json=body, headers={"Origin": SHOP}).status_code


def test_only_allowed_sites_may_call_the_widget_endpoints(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Delivery times", body="Two to four days.")
    paths = [f"{KB}/suggest?url={SHOP}/&q=delivery", f"{KB}/widget/articles/{article['id']}"]
    for path in paths:
        refused = client.get(path, headers={"Origin": SHOP})
        assert refused.status_code == 403, path
        assert refused.json()["type"].endswith("/origin-not-allowed")
        assert "access-control-allow-origin" not in refused.headers
    assert _allow(client, cast, "HTTPS://Shop.Example/") == [SHOP]
    for path in paths:
        allowed = client.get(path, headers={"Origin": SHOP})
        assert allowed.status_code == 200, path
        assert allowed.headers["access-control-allow-origin"] == SHOP
        assert "Origin" in allowed.headers["vary"]
        assert client.get(path, headers={"Origin": STRANGER}).status_code == 403
        # No Origin (a server, curl) or the desk's own pages: public data, answered as before.
        assert client.get(path).status_code == 200
        assert client.get(path, headers={"Origin": "http://testserver"}).status_code == 200
    assert _event(client, VISIT, "opened", article["id"]) == 204
    stranger = client.post(f"{KB}/widget/events", json={"visit": VISIT, "action": "contacted"},
                           headers={"Origin": STRANGER})  # fmt: skip
    assert stranger.status_code == 403
    preflight = client.options(f"{KB}/widget/events", headers={
        "Origin": SHOP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})  # fmt: skip
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]
    bad_preflight = client.options(f"{KB}/widget/events", headers={"Origin": STRANGER})
    assert bad_preflight.status_code == 403


def test_a_chat_widgets_sites_may_use_the_help_widget_too(client: TestClient, cast: Cast) -> None:
    body = {"kind": "chat", "name": "Shop chat", "settings": {"allowed_origins": [SHOP]}}
    chat = client.post("/api/v1/channels", json=body, headers=cast.olivia.headers)
    assert chat.status_code == 201, chat.text
    assert client.get(f"{KB}/suggest", headers={"Origin": SHOP}).status_code == 200
    off = client.patch(f"/api/v1/channels/{chat.json()['id']}", json={"enabled": False},
                       headers=cast.olivia.headers)  # fmt: skip
    assert off.status_code == 200, off.text
    assert client.get(f"{KB}/suggest", headers={"Origin": SHOP}).status_code == 403


def test_internal_and_draft_articles_never_reach_the_widget(client: TestClient, cast: Cast) -> None:
    _allow(client, cast, SHOP)
    secret = write(client, cast, title="Refund override codes", body="Code 4471.",
                   visibility="internal", url_rules=["/*"])  # fmt: skip
    draft = write(client, cast, title="Override codes draft", status="draft", url_rules=["/*"])
    public = write(client, cast, title="Refunds", body="Refunds take five days.")
    found = client.get(f"{KB}/suggest", params={"url": f"{SHOP}/refunds", "q": "override codes"},
                       headers={"Origin": SHOP}).json()["items"]  # fmt: skip
    assert [i["id"] for i in found if i["id"] in (secret["id"], draft["id"])] == []
    for hidden in (secret, draft):
        read = client.get(f"{KB}/widget/articles/{hidden['id']}", headers={"Origin": SHOP})
        assert read.status_code == 404 and "4471" not in read.text
        assert _event(client, VISIT, "opened", hidden["id"]) == 404
    shown = client.get(f"{KB}/widget/articles/{public['id']}", headers={"Origin": SHOP}).json()
    assert shown["html"].strip() == "<p>Refunds take five days.</p>"
    assert shown["help_url"] == "/help/articles/refunds"


def test_visits_that_read_and_did_not_contact_us_count_as_deflected(
    client: TestClient, cast: Cast
) -> None:
    _allow(client, cast, SHOP)
    article = write(client, cast, title="Delivery times")
    other = write(client, cast, title="Gift cards")
    assert _event(client, "visit-one-0001", "opened", article["id"]) == 204
    assert _event(client, "visit-one-0001", "answered", article["id"]) == 204
    assert _event(client, "visit-two-0002", "opened", article["id"]) == 204
    assert _event(client, "visit-two-0002", "opened", article["id"]) == 204  # read twice
    assert _event(client, "visit-two-0002", "contacted") == 204  # then started a chat
    assert _event(client, "visit-three-03", "contacted") == 204  # chatted first,
    assert _event(client, "visit-three-03", "opened", other["id"]) == 204  # read after
    figures = client.get(f"{KB}/analytics", headers=cast.leo.headers).json()["articles"]
    by_id = {a["article_id"]: a for a in figures}
    delivery = by_id[article["id"]]
    assert (delivery["widget_opened"], delivery["widget_answered"], delivery["widget_deflected"]) \
        == (2, 1, 1)  # fmt: skip
    assert by_id[other["id"]]["widget_deflected"] == 1


def test_bad_widget_input_gets_precise_errors(client: TestClient, cast: Cast) -> None:
    bad = client.put(f"{KB}/widget", json={"allowed_origins": ["shop.example"]},
                     headers=cast.leo.headers)  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "allowed_origins"
    assert "not an origin like https://shop.example" in bad.json()["errors"][0]["message"]
    path = client.put(f"{KB}/widget", json={"allowed_origins": ["https://shop.example/x"]},
                      headers=cast.leo.headers)  # fmt: skip
    assert path.status_code == 422
    assert client.put(f"{KB}/widget", json={"allowed_origins": [SHOP]},
                      headers=cast.alice.headers).status_code == 403  # fmt: skip
    _allow(client, cast, SHOP)
    article = write(client, cast, title="Delivery times")
    cases = [
        ({"visit": "short", "action": "opened", "article_id": article["id"]}, 422, "visit"),
        ({"visit": VISIT, "action": "opened"}, 422, "article_id"),
        ({"visit": VISIT, "action": "contacted", "article_id": article["id"]}, 422, "article_id"),
        ({"visit": VISIT, "action": "liked", "article_id": article["id"]}, 422, None),
        ({"visit": "bad visit key!", "action": "contacted"}, 422, "visit"),
    ]
    for body, status, field in cases:
        sent = client.post(f"{KB}/widget/events", json=body, headers={"Origin": SHOP})
        assert sent.status_code == status, (body, sent.text)
        if field is not None:
            assert sent.json()["errors"][0]["field"] == field, sent.json()
    assert client.get(f"{KB}/widget", headers=cast.alice.headers).json() == {
        "allowed_origins": [SHOP]
    }


def test_the_widget_script_and_stylesheet_are_served_safely(client: TestClient) -> None:
    script = client.get("/help-widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.headers["x-content-type-options"] == "nosniff"
    assert '"/api/v1/kb"' in script.text
    # An article's HTML is parsed inert (DOMParser) and filtered; nothing else becomes markup.
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script.text
    assert "DOMParser" in script.text and "textContent" in script.text
    sheet = client.get("/help-widget.css")
    assert sheet.headers["content-type"] == "text/css; charset=utf-8"
    assert ".mdh-p" in sheet.text
