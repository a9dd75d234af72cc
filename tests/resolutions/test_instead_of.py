"""An action named as what the customer does not want, in favour of another ("rather than a
refund, I'd prefer an exchange", "plutôt qu'un remboursement") is not asked for: held-out set
11 offered the refund a customer had just declined."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, templates
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.resolutions.facts import choose_flow
from minidesk.triage import taxonomy

DECLINED = [
    "Plutôt qu'un remboursement, je préférerais échanger le kit bonsaï de la commande 10234",
    "rather than a refund I would like a replacement for 10234",
    "en lugar de un reembolso quiero un cambio, pedido 10234",
    "statt einer Erstattung hätte ich gern einen Ersatz für 10234",
    "em vez de reembolso quero trocar, pedido 10234",
]


@pytest.mark.parametrize("text", DECLINED)
def test_the_action_declined_in_favour_of_another_is_not_asked(text: str) -> None:
    assert choose_flow(taxonomy.REFUND, 0.7, text, has_order=True).flow is None


@pytest.mark.parametrize(
    "text",
    [
        "I want a refund instead of a replacement, 10234",
        "no replacement please, just refund $10 on 10234",
    ],
)
def test_the_action_preferred_over_another_is_still_asked(text: str) -> None:
    assert choose_flow(taxonomy.REFUND, 0.7, text, has_order=True).flow == taxonomy.REFUND


def test_no_refund_is_offered_to_who_declined_it(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = int(str(inbound(client, cast.shop, DECLINED[0], "m1", email=ANA)["ticket_number"]))
    assert "refund_offer" not in templates(shop, number)
    assert kinds(shop, number, "commerce.") == []
