"""The policies page: the pack as a form in the shop's currency; a mistake is named on its
field and nothing is saved; a good change is saved in minor units."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.policies.pack import get_pack

INPUT = re.compile(r'<input (?:type="hidden" )?(?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"')


def _form(html: str) -> dict[str, str]:
    fields = dict(INPUT.findall(html))
    fields |= dict(re.findall(r'name="(roles\.[a-z]+\.may_refund)" value="(on)" checked', html))
    fields["approver_role"] = "manager"
    return fields


def test_olivia_raises_the_bots_limit_to_sixty_dollars(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.olivia.email)
    form = _form(client.get("/admin/policies").text)
    assert form["auto_refund_max_minor"] == "50.00" and form["roles.lead.cap_minor"] == "200.00"
    form |= {"auto_refund_max_minor": "60", "holidays": "2026-12-25 2026-12-26"}
    saved = client.post("/admin/policies", data=form)
    assert "Policies saved." in saved.text
    with db.get_db().sessions() as session:
        pack = get_pack(session)
    assert pack.auto_refund_max_minor == 6_000 and len(pack.holidays) == 2
    assert pack.roles["lead"].cap_minor == 20_000  # the rest as it was


def test_each_mistake_is_named_on_its_field(client: TestClient, cast: Cast) -> None:
    signed_in(client, cast.olivia.email)
    form = _form(client.get("/admin/policies").text)
    bad = {**form, "auto_refund_max_minor": "ten", "holidays": "Christmas",
           "roles.lead.cap_minor": "-5"}  # fmt: skip
    answer = client.post("/admin/policies", data=bad)
    assert answer.status_code == 422
    for name in ("auto_refund_max_minor", "holidays", "roles-lead-cap_minor"):
        assert f'id="e-{name}"' in answer.text, name
    assert 'value="Christmas"' in answer.text  # the form keeps what was typed
    over = client.post("/admin/policies", data={**form, "auto_refund_max_minor": "500"})
    assert over.status_code == 422
    assert 'id="e-auto_refund_max_minor"' in over.text and "agent_refund_max_minor" in over.text
    confidence = client.post("/admin/policies", data={**form, "min_action_confidence": "2"})
    assert 'id="e-min_action_confidence"' in confidence.text
    with db.get_db().sessions() as session:
        assert get_pack(session).auto_refund_max_minor == 5_000


def test_a_manager_may_not_change_the_pack(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.maya.email)
    answer = client.post("/admin/policies", data={"csrf": csrf, "auto_refund_max_minor": "100"})
    assert answer.status_code == 403
