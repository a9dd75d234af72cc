"""Files on articles: leads attach pictures and documents within the type and size limits
(precise errors otherwise, and bytes must match the declared type); the help centre serves a
public article's files with safe headers; an internal or draft article's files never leave
the desk's agents."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.conftest import KB, write
from tests.web.ui.admin.helpers import signed_in

from minidesk.kb import files
from minidesk.kb.articles import ArticleError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def _upload(
    client: TestClient, cast: Cast, article_id: int, name: str, kind: str, data: bytes
) -> object:
    return client.post(f"{KB}/articles/{article_id}/files", headers=cast.leo.headers,
                       files={"file": (name, data, kind)})  # fmt: skip


def test_a_public_articles_picture_is_shown_on_the_help_centre(
    client: TestClient, cast: Cast
) -> None:
    article = write(client, cast, title="Where is the serial number?")
    sent = _upload(client, cast, article["id"], "../../label photo.png", "image/png", PNG)
    assert sent.status_code == 201, sent.text  # type: ignore[attr-defined]
    made = sent.json()  # type: ignore[attr-defined]
    assert made["filename"] == "label photo.png"  # no path, whatever the browser sent
    assert made["markdown"] == f"![label photo.png](/help/files/{made['id']})"
    client.patch(f"{KB}/articles/{article['id']}", headers=cast.leo.headers,
                 json={"body": f"Look here:\n\n{made['markdown']}"})  # fmt: skip
    page = client.get("/help/articles/where-is-the-serial-number")
    assert f'src="/help/files/{made["id"]}"' in page.text
    shown = client.get(made["url"])
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith('inline; filename="label photo.png"')
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-security-policy"] == "sandbox; default-src 'none'"
    listed = client.get(f"{KB}/articles/{article['id']}/files", headers=cast.alice.headers)
    assert [f["id"] for f in listed.json()["items"]] == [made["id"]]


def test_text_downloads_and_never_renders(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Sizes")
    made = _upload(client, cast, article["id"], "sizes.csv", "text/csv",
                   b"size,chest\nS,90\n<script>alert(1)</script>,0\n").json()  # type: ignore[attr-defined]  # fmt: skip
    served = client.get(made["url"])
    assert served.headers["content-type"] == "text/csv; charset=utf-8"
    assert served.headers["content-disposition"].startswith('attachment; filename="sizes.csv"')


def test_an_internal_or_draft_articles_files_are_agents_only(
    client: TestClient, cast: Cast
) -> None:
    secret = write(client, cast, title="Override codes", visibility="internal")
    draft = write(client, cast, title="Next season", status="draft")
    for article in (secret, draft):
        made = _upload(client, cast, article["id"], "codes.pdf", "application/pdf", PDF).json()  # type: ignore[attr-defined]
        hidden = client.get(made["url"])
        assert hidden.status_code == 404 and PDF not in hidden.content
        assert client.get(f"{KB}/files/{made['id']}").status_code == 401
        agent = client.get(f"{KB}/files/{made['id']}", headers=cast.alice.headers)
        assert agent.status_code == 200 and agent.content == PDF
        assert agent.headers["cache-control"] == "private, no-store"
    # Made public, its files follow; made internal again, they are gone from the public.
    public = write(client, cast, title="Care guide")
    made = _upload(client, cast, public["id"], "care.pdf", "application/pdf", PDF).json()  # type: ignore[attr-defined]
    assert client.get(made["url"]).status_code == 200
    client.patch(f"{KB}/articles/{public['id']}", json={"visibility": "internal"},
                 headers=cast.leo.headers)  # fmt: skip
    assert client.get(made["url"]).status_code == 404


def test_bad_files_get_precise_errors(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Manual")
    cases = [
        ("page.html", "text/html", b"<html></html>", "text/html is not allowed (allowed: "),
        ("logo.svg", "image/svg+xml", b"<svg/>", "image/svg+xml is not allowed"),
        ("fake.png", "image/png", b"<html><script>", "fake.png: its bytes are not image/png"),
        ("fake.pdf", "application/pdf", PNG, "its bytes are not application/pdf"),
        ("binary.txt", "text/plain", b"\xff\xfe\x00", "binary.txt is not UTF-8 text"),
        ("empty.txt", "text/plain", b"", "empty.txt is empty"),
    ]
    for name, kind, data, words in cases:
        refused = _upload(client, cast, article["id"], name, kind, data)
        assert refused.status_code == 422, name  # type: ignore[attr-defined]
        error = refused.json()["errors"][0]  # type: ignore[attr-defined]
        assert error["field"] == "file" and words in error["message"], (name, error)
    assert client.get(f"{KB}/articles/{article['id']}/files",
                      headers=cast.leo.headers).json()["items"] == []  # fmt: skip


def test_a_file_over_the_limit_is_refused_with_its_size(client: TestClient, cast: Cast) -> None:
    # The request body limit (MINIDESK_MAX_INBOUND_BYTES, 1 MiB here) comes first over HTTP...
    article = write(client, cast, title="Manual")
    huge = _upload(client, cast, article["id"], "big.txt", "text/plain", b"a" * (2**20 + 1))
    assert huge.status_code == 413  # type: ignore[attr-defined]
    assert huge.json()["type"].endswith("/payload-too-large")  # type: ignore[attr-defined]
    # ...and where it is raised, the knowledge base's own limit says what is too big.
    with pytest.raises(ArticleError) as refused:
        files.check_upload("big.txt", "text/plain", b"a" * (files.MAX_BYTES + 1))
    assert refused.value.message == (
        f"big.txt is {files.MAX_BYTES + 1} bytes; the limit is {files.MAX_BYTES} bytes"
    )
    assert files.check_upload("ok.txt", "text/plain", b"a" * files.MAX_BYTES).filename == "ok.txt"


def test_only_leads_and_up_attach_or_delete(client: TestClient, cast: Cast) -> None:
    article = write(client, cast, title="Manual")
    agent = client.post(f"{KB}/articles/{article['id']}/files", headers=cast.alice.headers,
                        files={"file": ("a.png", PNG, "image/png")})  # fmt: skip
    assert agent.status_code == 403
    made = _upload(client, cast, article["id"], "a.png", "image/png", PNG).json()  # type: ignore[attr-defined]
    assert client.delete(f"{KB}/files/{made['id']}", headers=cast.alice.headers).status_code == 403
    assert client.delete(f"{KB}/files/{made['id']}", headers=cast.leo.headers).status_code == 204
    assert client.get(made["url"]).status_code == 404
    missing = _upload(client, cast, 987654, "a.png", "image/png", PNG)
    assert missing.status_code == 404  # type: ignore[attr-defined]


def test_a_lead_attaches_and_deletes_a_file_on_the_article_page(
    client: TestClient, cast: Cast
) -> None:
    article = write(client, cast, title="Manual")
    csrf = signed_in(client, cast.leo.email)
    here = f"/kb/{article['id']}"
    sent = client.post(f"{here}/files", data={"csrf": csrf}, follow_redirects=False,
                       files={"file": ("manual.pdf", PDF, "application/pdf")})  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == f"{here}#files"
    shown = client.get(here).text
    assert "Attached manual.pdf." in shown
    [made] = client.get(f"{KB}/articles/{article['id']}/files", headers=cast.leo.headers).json()[
        "items"
    ]
    assert f"<code>[manual.pdf](/help/files/{made['id']})</code>" in shown
    bad = client.post(f"{here}/files", data={"csrf": csrf},
                      files={"file": ("page.html", b"<html>", "text/html")})  # fmt: skip
    assert "Not attached: page.html: text/html is not allowed" in bad.text
    gone = client.post(f"/kb/files/{made['id']}/delete", data={"csrf": csrf},
                       follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303
    assert client.get(f"{KB}/articles/{article['id']}/files",
                      headers=cast.leo.headers).json()["items"] == []  # fmt: skip
    client.cookies.clear()
    agent_csrf = signed_in(client, cast.alice.email)
    sent = client.post(f"{here}/files", data={"csrf": agent_csrf},
                       files={"file": ("a.pdf", PDF, "application/pdf")})  # fmt: skip
    assert sent.status_code == 403
