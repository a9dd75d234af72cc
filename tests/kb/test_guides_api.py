"""Troubleshooting guides through the API: leads and up write them, a bad tree is refused
naming each node, ends are checked against the articles and the flow registry, every change
is an event, and analytics count how runs ended."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.conftest import Cast
from tests.kb.guides import GUIDES, parcel_tree, write_guide

from minidesk.db import Database, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.kb.guide_models import KbGuide, KbGuideRun, RunSource
from minidesk.kb.guide_runs import current, do_choose, do_start_run


def test_a_lead_writes_a_guide_and_an_agent_may_not(
    client: TestClient, cast: Cast, database: Database
) -> None:
    guide = write_guide(client, cast, database)
    assert (guide["version"], guide["help_url"]) == (1, "/help/guides/where-is-my-parcel")
    assert client.get(GUIDES, headers=cast.alice.headers).status_code == 403
    refused = client.post(GUIDES, json={"slug": "x", "title": "X", "tree": parcel_tree()},
                          headers=cast.alice.headers)  # fmt: skip
    assert refused.status_code == 403
    listed = client.get(GUIDES, headers=cast.leo.headers).json()
    assert [g["slug"] for g in listed["items"]] == ["where-is-my-parcel"]
    renamed = client.patch(f"{GUIDES}/{guide['id']}", json={"title": "Parcel help"},
                           headers=cast.leo.headers)  # fmt: skip
    assert (renamed.json()["title"], renamed.json()["version"]) == ("Parcel help", 2)
    same = client.patch(f"{GUIDES}/{guide['id']}", json={"title": "Parcel help"},
                        headers=cast.leo.headers)  # fmt: skip
    assert same.json()["version"] == 2  # nothing changed: no new version
    with database.sessions() as session:
        changes = session.scalars(
            select(Event).where(Event.kind == EventKind.KB_GUIDE_CHANGED.value).order_by(Event.id)
        ).all()
    assert [(e.data["before"] is None, e.data["after"]["title"]) for e in changes] == [
        (True, "Where is my parcel?"), (False, "Parcel help")]  # fmt: skip
    assert client.delete(f"{GUIDES}/{guide['id']}", headers=cast.leo.headers).status_code == 204
    assert client.get(f"{GUIDES}/{guide['id']}", headers=cast.leo.headers).status_code == 404


def test_a_bad_tree_is_refused_naming_each_node(
    client: TestClient, cast: Cast, database: Database
) -> None:
    guide = write_guide(client, cast, database)
    tree = parcel_tree()
    tree["nodes"]["status"]["options"][0]["next"] = "tracking"  # back to the start: a cycle
    tree["nodes"]["damaged"] = {"end": {"article": "no-such-article"}}
    tree["nodes"]["order-status"] = {"end": {"flow": "teleport"}}
    refused = client.patch(f"{GUIDES}/{guide['id']}", json={"tree": tree},
                           headers=cast.olivia.headers)  # fmt: skip
    assert refused.status_code == 422
    body = refused.json()
    assert body["type"].endswith("/invalid-guide")
    assert {(e["node"], e["message"]) for e in body["errors"]} == {
        ("tracking", "cycle: tracking → status → tracking"),
        ("track", "unreachable from the start node 'tracking'"),
    }  # the tree's shape first: ends are checked once it is sound
    tree["nodes"]["status"]["options"][0]["next"] = "track"
    refused = client.patch(f"{GUIDES}/{guide['id']}", json={"tree": tree},
                           headers=cast.olivia.headers)  # fmt: skip
    assert {(e["node"], e["message"].split(";")[0]) for e in refused.json()["errors"]} == {
        ("damaged", "no published public article 'no-such-article'"),
        ("order-status", "unknown flow 'teleport'"),
    }
    again = {"slug": "where-is-my-parcel", "title": "Again", "tree": parcel_tree()}
    taken = client.post(GUIDES, json=again, headers=cast.olivia.headers)
    assert taken.status_code == 409
    nulled = client.patch(f"{GUIDES}/{guide['id']}", json={"tree": None},
                          headers=cast.olivia.headers)  # fmt: skip
    assert nulled.status_code == 422 and nulled.json()["errors"][0]["field"] == "tree"


def test_analytics_count_how_runs_ended(client: TestClient, cast: Cast, database: Database) -> None:
    written = write_guide(client, cast, database)
    with database.transaction() as session:
        guide = session.get_one(KbGuide, written["id"])
        for answers in ([2], [1, 1], [1, 2], [1], [1]):
            run = do_start_run(session, guide, RunSource.HELP_CENTRE)
            for answer in answers:
                do_choose(session, guide, run, current(guide, run).options[answer - 1])
        # The last run stopped at a question an hour ago: abandoned; the one before is still
        # going.
        session.execute(
            update(KbGuideRun).where(KbGuideRun.id == run.id)
            .values(updated_at=utcnow() - dt.timedelta(hours=1))
        )  # fmt: skip
    figures = client.get("/api/v1/kb/analytics", headers=cast.olivia.headers).json()["guides"]
    assert figures == [{
        "guide_id": written["id"], "slug": "where-is-my-parcel", "title": "Where is my parcel?",
        "started": 5, "article": 1, "flow": 1, "handoff": 1, "abandoned": 1, "in_progress": 1,
    }]  # fmt: skip
