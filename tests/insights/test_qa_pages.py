"""The QA pages: Leo scores Alice's sampled conversation item by item, Alice reads it and
disputes it, Bob cannot open it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.insights.timeline import build
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.insights.qa_models import QaGate
from minidesk.insights.scorecard import DEFAULT

ITEMS = [i["key"] for c in DEFAULT["categories"] for i in c["items"]]


def _review_of_alice(client: TestClient, cast: Cast, database: Database) -> int:
    build(database, cast)
    sampled = client.post(
        "/api/v1/qa/samples", json={"month": "2026-03"}, headers=cast.maya.headers
    )
    assert sampled.status_code == 201, sampled.text
    found = client.get("/api/v1/qa/reviews", params={"agent": cast.alice.id, "reason": "escalated"},
                       headers=cast.maya.headers).json()["items"]  # fmt: skip
    return int(found[0]["id"])


def test_leo_scores_alices_review_and_alice_disputes_it(
    client: TestClient, cast: Cast, database: Database
) -> None:
    review = _review_of_alice(client, cast, database)
    csrf = _signed_in(client, cast.leo.email)
    listing = client.get("/qa")
    assert f'href="/qa/reviews/{review}"' in listing.text
    form = client.get(f"/qa/reviews/{review}")
    assert form.status_code == 200 and "Save review" in form.text
    data = {"csrf": csrf, "comment": "Solid", **{f"item_{key}": "3" for key in ITEMS}}
    data["item_took_ownership"] = "na"  # empathy: three items of 3, the fourth not applicable
    saved = client.post(f"/qa/reviews/{review}", data=data, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(f"/qa/reviews/{review}").text
    assert "Review saved: 75.0%." in page and 'id="score">75.00%<' in page
    bad = client.post(f"/qa/reviews/{review}", data={"csrf": csrf, "item_took_ownership": "4"})
    assert "Not saved: score every item" in bad.text

    client.cookies.clear()  # sign out Leo's browser
    csrf = _signed_in(client, cast.alice.email)
    mine = client.get(f"/qa/reviews/{review}").text
    assert "Save review" not in mine and "Dispute this score" in mine
    client.post(f"/qa/reviews/{review}/dispute", data={"csrf": csrf, "text": "It was not mine"})
    after = client.get(f"/qa/reviews/{review}").text
    assert "Dispute: It was not mine" in after and "disputed" in after

    client.cookies.clear()
    _signed_in(client, cast.bob.email)
    assert client.get(f"/qa/reviews/{review}").status_code == 404
    assert re.findall(r'href="/qa/reviews/(\d+)"', client.get("/qa").text) != [str(review)]


def test_maya_defines_the_escalations_gate_on_its_page_and_leo_only_reads_it(
    client: TestClient, cast: Cast
) -> None:
    gate = {"skill": "escalations", "min_qa_percent": "85", "min_csat_average": "4.2",
            "window_days": "90", "min_reviews": "3", "min_answers": "5"}  # fmt: skip
    csrf = _signed_in(client, cast.leo.email)
    page = client.get("/qa/gates")
    assert page.status_code == 200 and "not defined yet" in page.text
    assert "<fieldset disabled>" in page.text  # a lead reads, a manager changes
    refused = client.post("/qa/gates", data={**gate, "csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    client.cookies.clear()  # leo's session gone: maya signs in on this browser
    csrf = _signed_in(client, cast.maya.email)
    bad = client.post("/qa/gates", data={**gate, "min_csat_average": "6", "csrf": csrf})
    assert "Gate not saved: Minimum CSAT average (1-5)" in bad.text
    assert client.get("/api/v1/qa/gates", headers=cast.maya.headers).json()["items"] == []
    saved = client.post("/qa/gates", data={**gate, "csrf": csrf})
    assert "Gate escalations saved." in saved.text and "not defined yet" not in saved.text
    [stored] = client.get("/api/v1/qa/gates", headers=cast.maya.headers).json()["items"]
    assert (stored["min_qa_percent"], stored["min_csat_average"]) == (85, 4.2)


def test_the_gates_page_offers_only_names_routing_acts_on_and_flags_old_ones(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        session.add(QaGate(skill="whatsapp", min_qa_percent=85, min_csat_average=4.2))
    csrf = _signed_in(client, cast.maya.email)
    page = client.get("/qa/gates").text
    offered = re.findall(r"<option>([^<]+)</option>", page)
    assert offered[:2] == ["urgent", "channel.api"]  # escalations has its own form already
    assert {"channel.whatsapp", "language.en"} <= set(offered) and "whatsapp" not in offered
    stored = page[page.index('id="gate-whatsapp"') :]
    stored = stored[: stored.index("</form>")]
    assert "<fieldset disabled>" in stored  # read-only: saving it again would be refused
    assert "No effect:</strong> &#39;whatsapp&#39; names nothing routing asks of a ticket" in stored
    numbers = {"min_qa_percent": "85", "min_csat_average": "4.2", "window_days": "90",
               "min_reviews": "3", "min_answers": "5"}  # fmt: skip
    posted = {"skill": "whatsapp", **numbers, "csrf": csrf}
    refused = client.post("/qa/gates", data=posted).text
    assert "Gate not saved: skill: &#39;whatsapp&#39; names nothing routing asks" in refused
    saved = client.post("/qa/gates", data={**posted, "skill": "channel.whatsapp"}).text
    assert "Gate channel.whatsapp saved." in saved
    assert "channel.whatsapp" not in re.findall(r"<option>([^<]+)</option>", saved)
