"""WhatsApp media is fetched from the Cloud API after the message is in (media id → url →
bytes, with the channel's token) and stored as a downloadable attachment; a file Meta says is
too big is refused before it is downloaded, and the message is kept either way."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast
from tests.whatsapp.conftest import WhatsApp

from minidesk import settings

PDF = b"%PDF-1.4 invoice " * 50
MEDIA_ID = "1003383421387256"


def _attachment(wa: WhatsApp, cast: Cast) -> dict[str, Any]:
    [ticket] = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    messages = wa.client.get(
        f"/api/v1/tickets/{ticket['number']}/messages", headers=cast.olivia.headers
    ).json()["items"]
    [message] = [m for m in messages if m["direction"] == "inbound"]
    assert message["text"] == "my invoice"
    [attachment] = message["attachments"]
    return dict(attachment)


def _send_document(wa: WhatsApp) -> None:
    document = {"caption": "my invoice", "filename": "invoice.pdf", "mime_type":
                "application/pdf", "sha256": "b" * 64, "id": MEDIA_ID}  # fmt: skip
    assert wa.message("wamid.D1", "document", document=document).status_code == 200


def test_media_bytes_are_fetched_from_the_graph_api_and_downloadable(
    wa: WhatsApp, cast: Cast
) -> None:
    wa.graph.media[MEDIA_ID] = (PDF, "application/pdf")
    _send_document(wa)
    attachment = _attachment(wa, cast)
    assert (attachment["fetch_status"], attachment["filename"]) == ("stored", "invoice.pdf")
    download = wa.client.get(attachment["download_url"], headers=cast.olivia.headers)
    assert download.status_code == 200 and download.content == PDF
    gets = [r.path for r in wa.fake.requests if r.method == "GET"]
    assert gets == [f"/v21.0/{MEDIA_ID}", f"/whatsapp-media/{MEDIA_ID}"]


def test_media_meta_says_is_too_big_is_refused_without_downloading(
    wa: WhatsApp, cast: Cast
) -> None:
    settings.configure(
        settings.get_settings().model_copy(update={"email_max_attachment_bytes": 100})
    )
    wa.graph.media[MEDIA_ID] = (PDF, "application/pdf")
    _send_document(wa)
    attachment = _attachment(wa, cast)
    assert attachment["fetch_status"] == "refused" and attachment["download_url"] is None
    assert attachment["fetch_error"].startswith("larger than 100 bytes")
    assert [r.path for r in wa.fake.requests if r.path.startswith("/whatsapp-media/")] == []


def test_an_outage_leaves_the_media_pending_for_a_retry(wa: WhatsApp, cast: Cast) -> None:
    wa.graph.media[MEDIA_ID] = (PDF, "application/pdf")
    wa.fake.outage = [500]
    _send_document(wa)
    attachment = _attachment(wa, cast)
    assert attachment["fetch_status"] == "pending" and "500" in attachment["fetch_error"]
