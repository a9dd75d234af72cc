"""A desk whose live intent model is the toy three-intent model, and helpers to teach it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound

from minidesk import settings
from triage.conftest import toy_examples

GIFT_CARD = [
    "how much is left on my gift card",
    "check my gift card balance",
    "can I pay with a gift card",
    "my gift card code does not work",
    "buy a gift card for a friend",
    "gift card balance please",
    "is the gift card still valid",
    "redeem a gift card",
    "gift card was not accepted",
    "where do I enter the gift card code",
    "send a gift card by email",
    "gift card expired?",
    "add a gift card to my account",
    "lost my gift card number",
    "use two gift cards on one order",
]


@dataclass
class Desk:
    client: TestClient
    cast: Cast
    sent: int = 0

    def message(self, text: str) -> int:
        """A new customer writes; the new ticket's number."""
        self.sent += 1
        body = inbound(self.client, self.cast.alice, text, f"learn-{self.sent}",
                       email=f"customer{self.sent}@example.com")
        return int(str(body["ticket_number"]))

    def correct(self, number: int, intent: str) -> None:
        response = self.client.patch(f"/api/v1/tickets/{number}", json={"intent": intent},
                                     headers=self.cast.alice.headers)
        assert response.status_code == 200, response.text

    def ticket(self, number: int) -> dict[str, object]:
        response = self.client.get(f"/api/v1/tickets/{number}", headers=self.cast.alice.headers)
        assert response.status_code == 200, response.text
        result: dict[str, object] = response.json()
        return result


def write_base(path: Path, rotate: bool = False, repeat: int = 1) -> Path:
    """The toy examples as base data; ``rotate`` gives every text the next intent's label."""
    examples = toy_examples()
    labels = sorted({e.label for e in examples})
    with path.open("w") as fh:
        for _ in range(repeat):
            for e in examples:
                label = labels[(labels.index(e.label) + 1) % len(labels)] if rotate else e.label
                fh.write(json.dumps({"text": e.text, "label": label}) + "\n")
    return path


def use_settings(config: settings.Settings, **changes: object) -> settings.Settings:
    return settings.configure(config.model_copy(update=changes))
