"""The templates page: a manager edits a built-in template's A/B variants, previews the form
as it stands (nothing saved), saves it, and creates a template of their own; errors are named
on their field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.replies.store import get_listed


def _form(html: str) -> dict[str, str]:
    """The form's inputs and textareas as the page shows them (the csrf token included)."""
    fields = dict(re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', html))
    fields |= dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields |= {
        name: text.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
        for name, text in re.findall(
            r'<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>', html
        )
    }
    fields["enabled"] = "on"
    return fields


def _saved_body(key: str, variant: str) -> str:
    with db.get_db().sessions() as session:
        listed = get_listed(session, key)
        assert listed is not None
        return listed.spec.variants[variant]["default"].body


def test_maya_previews_then_saves_variant_b(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.maya.email)
    page = client.get("/admin/templates/pending_reminder")
    assert 'data-variant="A"' in page.text and 'data-variant="B"' in page.text
    form = _form(page.text)
    index = next(k for k, v in form.items() if k.startswith("variant.") and v == "B")[8:]
    form[f"v{index}.default.body"] = "Hello {{ customer_name }}, still there?\n\n{{ cta }}"
    preview = client.post("/admin/templates", data={**form, "preview": "1",
                                                     "preview_channel": "sms"})  # fmt: skip
    assert preview.status_code == 200, preview.text
    assert 'data-preview="B"' in preview.text and "still there?" in preview.text
    assert "still there?" not in _saved_body("pending_reminder", "B")  # a preview saves nothing
    saved = client.post("/admin/templates", data=form)
    assert "Saved template pending_reminder." in saved.text
    assert _saved_body("pending_reminder", "B").startswith("Hello {{ customer_name }}")
    assert "still waiting" in _saved_body("pending_reminder", "A")


def test_a_body_without_its_call_to_action_is_refused_on_its_field(
    client: TestClient, cast: Cast
) -> None:
    signed_in(client, cast.maya.email)
    form = _form(client.get("/admin/templates/pending_reminder").text)
    index = next(k for k, v in form.items() if k.startswith("variant.") and v == "A")[8:]
    form[f"v{index}.default.body"] = "No call to action here"
    answer = client.post("/admin/templates", data=form)
    assert answer.status_code == 422
    assert 'id="e-variants-A-default-body"' in answer.text
    assert "exactly once" in answer.text
    assert "still waiting" in _saved_body("pending_reminder", "A")


def test_maya_creates_a_template_of_her_own(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    made = client.post(
        "/admin/templates",
        data={"csrf": csrf, "new": "1", "key": "thanks", "name": "Thanks",
              "tokens": "customer_name", "enabled": "on", "variant.0": "A",
              "v0.default.subject": "Thanks!",
              "v0.default.body": "Thank you {{ customer_name }}.\n\n{{ cta }}",
              "v0.default.cta": "Reply any time."},
    )  # fmt: skip
    assert "Saved template thanks." in made.text
    assert _saved_body("thanks", "A").startswith("Thank you")
    again = client.post(
        "/admin/templates",
        data={"csrf": csrf, "new": "1", "key": "thanks", "name": "Thanks", "variant.0": "A",
              "tokens": "", "v0.default.subject": "x", "v0.default.body": "{{ cta }}",
              "v0.default.cta": "Reply."},
    )  # fmt: skip
    assert again.status_code == 422 and "exists; edit it instead" in again.text


def test_an_agent_cannot_save_a_template(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.alice.email)
    answer = client.post(
        "/admin/templates",
        data={"csrf": csrf, "new": "1", "key": "evil", "name": "Evil", "variant.0": "A",
              "v0.default.body": "{{ cta }}", "v0.default.cta": "x", "v0.default.subject": "x"},
    )  # fmt: skip
    assert answer.status_code == 403
    with db.get_db().sessions() as session:
        assert get_listed(session, "evil") is None
