"""Writing guides in the workspace: leads only; the tree is JSON or YAML in a text area and
every problem comes back on the form naming its node; a saved guide shows its nodes."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.kb.guides import parcel_tree
from tests.web.ui.admin.helpers import signed_in

from minidesk.db import Database
from minidesk.kb.seed import seed_demo_articles


def test_an_agent_may_not_open_the_guide_pages(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.alice.email)
    assert client.get("/kb/guides").status_code == 403
    assert client.get("/kb/guides/new").status_code == 403
    form = {"csrf": csrf, "title": "X", "slug": "x", "tree": json.dumps(parcel_tree())}
    assert client.post("/kb/guides/save", data=form).status_code == 403


def test_a_lead_writes_a_guide_and_sees_each_problem_by_node(
    client: TestClient, cast: Cast, database: Database
) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    csrf = signed_in(client, cast.leo.email)
    assert 'href="/kb/guides"' in client.get("/kb").text
    example = client.get("/kb/guides/new").text  # an example tree to edit
    assert "&#34;start&#34;: &#34;light&#34;" in example
    tree = parcel_tree()
    tree["nodes"]["track"] = {"text": "nothing after this"}
    form = {"csrf": csrf, "title": "Parcel", "slug": "parcel", "status": "published",
            "tree": json.dumps(tree)}  # fmt: skip
    refused = client.post("/kb/guides/save", data=form)
    assert refused.status_code == 422
    assert ('<li data-node="track">Node <code>track</code>: dead end: the node has neither '
            "options nor an end</li>") in refused.text  # fmt: skip
    assert "nothing after this" in refused.text  # what was typed is kept
    broken = client.post("/kb/guides/save", data={**form, "tree": '{"start": '})
    assert broken.status_code == 422 and "not valid JSON" in broken.text
    yaml_tree = (
        "start: a\nnodes:\n  a:\n    question: Lost?\n    options:\n"
        "      - {label: 'Yes', next: b}\n  b:\n    end: {article: track-your-parcel}\n"
    )
    saved = client.post("/kb/guides/save", data={**form, "tree": yaml_tree},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    edit = saved.headers["location"]
    page = client.get(edit).text
    assert "Version 1" in page and 'href="/help/guides/parcel"' in page
    assert '<tr data-node="a">' in page and "1. Yes → <code>b</code>" in page
    guide_id = re.sub(r"\D", "", edit)
    again = client.post("/kb/guides/save", data={**form, "tree": yaml_tree, "guide_id": guide_id,
                                                 "title": "Lost parcel"})  # fmt: skip
    assert "Version 2" in again.text
    listed = client.get("/kb/guides").text
    assert f'<tr data-guide="{guide_id}">' in listed and "Lost parcel" in listed
    bad_slug = client.post("/kb/guides/save", data={**form, "slug": "Not A Slug"})
    assert bad_slug.status_code == 422 and "Lower-case letters" in bad_slug.text
