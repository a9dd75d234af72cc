"""MMS media is fetched from Twilio's Media resource by a job after the message is in: the
bytes end up downloadable like any attachment, and whatever goes wrong (a redirect towards
an internal address, a file over the limit, an outage) is recorded on the attachment while
the message itself is never lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.conftest import Cast
from tests.sms.conftest import Sms
from tests.web.ui.admin.helpers import signed_in

from minidesk import db, settings
from minidesk.db import utcnow
from minidesk.desk.models import Attachment
from minidesk.jobs import run_sweep

PHOTO = b"\xff\xd8\xff\xe0" + b"crushed box " * 100


def _send_photo(sms: Sms, data: bytes = PHOTO, sid: str = "MM1") -> Any:
    sms.twilio.media["ME1"] = (data, "image/jpeg")
    return sms.text(
        "the box arrived crushed",
        sid,
        NumMedia="1",
        MediaUrl0=sms.twilio.media_url(sms.fake.url, sid, "ME1"),
        MediaContentType0="image/jpeg",
    )


def _message(sms: Sms, cast: Cast) -> dict[str, Any]:
    tickets = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    [ticket] = tickets
    messages = sms.client.get(
        f"/api/v1/tickets/{ticket['number']}/messages", headers=cast.olivia.headers
    ).json()["items"]
    [message] = [m for m in messages if m["direction"] == "inbound"]
    assert message["text"] == "the box arrived crushed"  # the message is there, whatever
    return dict(message)


def test_mms_media_bytes_are_fetched_and_downloadable(sms: Sms, cast: Cast) -> None:
    assert _send_photo(sms).status_code == 200
    [attachment] = _message(sms, cast)["attachments"]
    assert attachment["fetch_status"] == "stored" and attachment["size"] == len(PHOTO)
    download = sms.client.get(attachment["download_url"], headers=cast.olivia.headers)
    assert download.status_code == 200 and download.content == PHOTO
    assert download.headers["content-type"] == "image/jpeg"
    paths = [r.path for r in sms.fake.requests if r.method == "GET"]
    assert paths == ["/2010-04-01/Accounts/" + paths[0].split("/")[3] + "/Messages/MM1/Media/ME1",
                     "/media-storage/ME1"]  # fmt: skip
    assert sms.fake.requests[-2].headers["Authorization"].startswith("Basic ")


def test_a_redirect_to_an_internal_address_is_refused(sms: Sms, cast: Cast) -> None:
    sms.twilio.redirect_to = "http://10.0.0.7/latest/meta-data/"
    assert _send_photo(sms).status_code == 200
    [attachment] = _message(sms, cast)["attachments"]
    assert attachment["fetch_status"] == "failed" and attachment["download_url"] is None
    assert "10.0.0.7 is a private address" in attachment["fetch_error"]
    assert [r.path for r in sms.fake.requests if "meta-data" in r.path] == []
    # The session cookie is Secure (the public URL is https): a browser on https signs in.
    browser = TestClient(sms.client.app, base_url="https://testserver")
    signed_in(browser, cast.olivia.email)
    page = browser.get(f"/tickets/{_ticket(sms, cast)}")
    assert "not stored (failed)" in page.text and "10.0.0.7" in page.text


def _ticket(sms: Sms, cast: Cast) -> int:
    items = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    return int(items[0]["number"])


def test_media_over_the_size_limit_is_refused_and_the_message_kept(sms: Sms, cast: Cast) -> None:
    settings.configure(
        settings.get_settings().model_copy(update={"email_max_attachment_bytes": 1000})
    )
    assert _send_photo(sms, PHOTO * 2).status_code == 200
    [attachment] = _message(sms, cast)["attachments"]
    assert attachment["fetch_status"] == "refused"
    assert attachment["fetch_error"].startswith("larger than 1000 bytes")
    missing = sms.client.get(f"/api/v1/attachments/{attachment['id']}", headers=cast.olivia.headers)
    assert missing.status_code == 404 and "refused" in missing.json()["detail"]


def test_an_outage_is_retried_with_back_off_then_the_media_is_stored(
    sms: Sms, cast: Cast, database: db.Database
) -> None:
    sms.fake.outage = [503, 502]
    assert _send_photo(sms).status_code == 200
    [attachment] = _message(sms, cast)["attachments"]
    assert attachment["fetch_status"] == "pending" and "503" in attachment["fetch_error"]
    with database.sessions() as session:
        row = session.get_one(Attachment, attachment["id"])
    assert row.fetch_due_at is not None and row.fetch_due_at > utcnow()  # backed off
    run_sweep(utcnow())
    assert _message(sms, cast)["attachments"][0]["fetch_status"] == "pending"  # not due yet
    for _ in range(2):  # the back-off passes twice: the second outage answer, then success
        with database.transaction() as session:
            session.execute(
                update(Attachment).values(fetch_due_at=utcnow() - dt.timedelta(seconds=1))
            )
        run_sweep(utcnow())
    [attachment] = _message(sms, cast)["attachments"]
    assert attachment["fetch_status"] == "stored" and attachment["fetch_error"] is None
    download = sms.client.get(attachment["download_url"], headers=cast.olivia.headers)
    assert download.content == PHOTO
