"""Twilio's Media URL redirects to its media storage on another host: the redirect is
followed, but boundedly (a loop ends as a recorded failure), and the account's credentials
never travel past Twilio's own host."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast
from tests.providers import Answer, Request, serve
from tests.sms.conftest import Sms

PHOTO = b"\x89PNG\r\n\x1a\n" + b"dent " * 40


def _photo(sms: Sms, cast: Cast) -> dict[str, Any]:
    sms.twilio.media["ME9"] = (PHOTO, "image/png")
    answer = sms.text(
        "see the dent",
        "MM9",
        NumMedia="1",
        MediaUrl0=sms.twilio.media_url(sms.fake.url, "MM9", "ME9"),
        MediaContentType0="image/png",
    )
    assert answer.status_code == 200
    [ticket] = sms.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    messages = sms.client.get(
        f"/api/v1/tickets/{ticket['number']}/messages", headers=cast.olivia.headers
    ).json()["items"]
    [attachment] = [a for m in messages for a in m["attachments"]]
    return dict(attachment)


def test_credentials_are_not_sent_to_the_storage_host(sms: Sms, cast: Cast) -> None:
    def storage(request: Request) -> Answer:
        return Answer(200, {}, content=PHOTO, content_type="image/png")

    with serve(storage) as elsewhere:
        sms.twilio.redirect_to = f"{elsewhere.url}/s3/ME9?signature=abc"
        attachment = _photo(sms, cast)
        assert attachment["fetch_status"] == "stored"
        [hop] = elsewhere.requests
    assert hop.path == "/s3/ME9?signature=abc" and "Authorization" not in hop.headers
    assert sms.fake.requests[-1].headers["Authorization"].startswith("Basic ")


def test_a_redirect_loop_ends_after_three_hops_as_a_failure(sms: Sms, cast: Cast) -> None:
    def loop(request: Request) -> Answer:
        return Answer(302, {}, content=b"", location="/again")

    with serve(loop) as looping:
        sms.twilio.redirect_to = f"{looping.url}/again"
        attachment = _photo(sms, cast)
        hops = len(looping.requests)
    assert attachment["fetch_status"] == "failed"
    assert "more than 3 redirect(s)" in attachment["fetch_error"]
    assert hops == 3  # Twilio's answer was the first hop
