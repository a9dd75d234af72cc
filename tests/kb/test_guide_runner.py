"""The help centre's guide runner works with plain forms: start, answer, back, start again;
each run's outcome is recorded, and a draft guide or someone else's made-up run is not found."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.kb.guides import GUIDES, parcel_tree, write_guide

from minidesk.db import Database
from minidesk.kb.guide_models import KbGuideRun

RUNNER = "/help/guides/where-is-my-parcel"


def _start(client: TestClient) -> str:
    started = client.post(f"{RUNNER}/start", follow_redirects=False)
    assert started.status_code == 303
    return str(started.headers["location"])


def _answer(client: TestClient, run: str, **form: str) -> str:
    moved = client.post(run, data=form, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == run
    return client.get(run).text


def _runs(database: Database) -> list[tuple[str | None, list[str]]]:
    with database.sessions() as session:
        return [
            (r.outcome, r.path) for r in session.scalars(select(KbGuideRun).order_by(KbGuideRun.id))
        ]


def test_a_reader_goes_through_a_guide_to_an_article(
    client: TestClient, cast: Cast, database: Database
) -> None:
    write_guide(client, cast, database)
    assert 'href="/help/guides"' in client.get("/help").text
    assert "Where is my parcel?" in client.get("/help/guides").text
    intro = client.get(RUNNER).text
    assert f'action="{RUNNER}/start"' in intro and "<script" not in intro
    run = _start(client)
    first = client.get(run).text
    assert "Do you have a tracking number for the parcel?" in first
    assert 'name="choice" value="2">No</button>' in first
    assert 'name="back"' not in first  # nothing to go back to at the start
    second = _answer(client, run, choice="1")
    assert "What does the tracking page say?" in second and 'name="back"' in second
    end = _answer(client, run, choice="1")
    assert 'data-outcome="article"' in end
    assert 'href="/help/articles/track-your-parcel"' in end
    assert _runs(database) == [("article", ["tracking", "status", "track"])]
    back = _answer(client, run, back="1")  # leaving an end: no outcome until the next one
    assert "What does the tracking page say?" in back
    assert _runs(database) == [(None, ["tracking", "status"])]
    _answer(client, run, choice="2")
    assert _runs(database) == [("handoff", ["tracking", "status", "missing"])]
    again = client.post(f"{RUNNER}/start", follow_redirects=False).headers["location"]
    assert again != run
    flow = _answer(client, again, choice="2")
    assert 'data-outcome="flow"' in flow and "order status" in flow
    assert [outcome for outcome, _ in _runs(database)] == ["handoff", "flow"]


def test_bad_answers_drafts_and_made_up_runs_are_refused(
    client: TestClient, cast: Cast, database: Database
) -> None:
    guide = write_guide(client, cast, database)
    run = _start(client)
    assert client.post(run, data={"choice": "9"}).status_code == 422
    assert client.post(run, data={}).status_code == 422
    assert client.post(run, data={"choice": "one"}).status_code == 422
    assert client.get(f"{RUNNER}/runs/made-up-token-000000").status_code == 404
    assert client.get("/help/guides/no-such-guide").status_code == 404
    client.patch(f"{GUIDES}/{guide['id']}", json={"status": "draft"}, headers=cast.olivia.headers)
    assert client.get(RUNNER).status_code == 404
    assert client.get(run).status_code == 404
    assert client.post(f"{RUNNER}/start").status_code == 404


def test_a_run_whose_node_was_removed_starts_again(
    client: TestClient, cast: Cast, database: Database
) -> None:
    guide = write_guide(client, cast, database)
    run = _start(client)
    _answer(client, run, choice="1")
    tree = parcel_tree()
    tree["start"] = "status"
    del tree["nodes"]["tracking"], tree["nodes"]["order-status"]
    tree["nodes"]["status"]["question"] = "What does tracking say?"
    saved = client.patch(
        f"{GUIDES}/{guide['id']}", json={"tree": tree}, headers=cast.olivia.headers
    )
    assert saved.status_code == 200, saved.text
    assert "What does tracking say?" in client.get(run).text  # "status" is still there
    tree["nodes"]["state"] = tree["nodes"].pop("status")
    tree["start"] = "state"
    client.patch(f"{GUIDES}/{guide['id']}", json={"tree": tree}, headers=cast.olivia.headers)
    assert "What does tracking say?" in client.get(run).text
    assert _runs(database) == [(None, ["state"])]
