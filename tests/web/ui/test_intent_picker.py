"""The ticket page's intent picker offers the labels of the model triage runs now: a desk that
trained its own intents (``minidesk intents train``) corrects tickets to those, not to the
shipped model's built-in labels, and the correction is taken as the API takes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk import settings
from minidesk.triage.data import Example
from minidesk.triage.encoder import TFIDF
from minidesk.triage.registry import DEFAULT_MODEL_DIR, registry
from minidesk.triage.sync import watcher
from minidesk.triage.train import TrainConfig, train

CUSTOM = {
    "gift_card": ["gift card balance", "check my gift card", "my gift card does not work",
                  "how much is left on my gift card", "gift card code invalid",
                  "buy a gift card", "gift voucher balance", "redeem my gift card"],
    "warranty_claim": ["my kettle broke after a month", "is this under warranty",
                       "warranty repair please", "the toaster stopped working",
                       "claim on my warranty", "guarantee on the blender",
                       "the lamp is faulty, warranty", "broken within the guarantee"],
    "order_status": ["where is my order", "track my parcel", "has my order shipped",
                     "when will it arrive", "status of my delivery", "order not here yet",
                     "tracking number please", "my package is late"],
}  # fmt: skip


@pytest.fixture(scope="module")
def custom_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    examples = [Example(text, label) for label, texts in CUSTOM.items() for text in texts]
    out = tmp_path_factory.mktemp("custom_intents")
    train(examples, config=TrainConfig(encoder=TFIDF)).model.save(out)
    return out


@pytest.fixture
def custom_live(config: settings.Settings, custom_model_dir: Path) -> Iterator[None]:
    registry.reset(default_dir=custom_model_dir)
    watcher.forget()
    yield
    registry.reset(default_dir=DEFAULT_MODEL_DIR)
    watcher.forget()


def _choices(html: str) -> list[str]:
    picker = re.search(r'<select id="intent-choice" name="intent">(.*?)</select>', html, re.S)
    assert picker is not None
    return re.findall(r'<option value="([^"]+)"', picker.group(1))


def test_the_picker_offers_the_live_models_custom_intents(
    client: TestClient, cast: Cast, custom_live: None
) -> None:
    number = inbound(client, cast.shop, "My gift card says invalid", "gift-1")["ticket_number"]
    csrf = signed_in(client, cast.alice.email)
    assert _choices(client.get(f"/tickets/{number}").text) == [
        "gift_card", "order_status", "unknown", "warranty_claim",
    ]  # fmt: skip
    done = client.post(f"/tickets/{number}/intent", data={"csrf": csrf, "intent": "warranty_claim"})
    assert "Intent corrected to warranty_claim" in done.text
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["intent"] == "warranty_claim"
    # A built-in label this model does not know is not offered, and not taken either.
    refused = client.post(f"/tickets/{number}/intent", data={"csrf": csrf, "intent": "refund"})
    assert "Not changed: unknown intent &#39;refund&#39;" in refused.text


def test_a_label_the_api_set_shows_as_chosen(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.shop, "Bulk pricing for 200 mugs?", "bulk-1")["ticket_number"]
    patched = client.patch(
        f"/api/v1/tickets/{number}", json={"intent": "bulk_order"}, headers=cast.alice.headers
    )
    assert patched.status_code == 200, patched.text
    signed_in(client, cast.alice.email)
    html = client.get(f"/tickets/{number}").text
    assert "bulk_order" in _choices(html) and "refund" in _choices(html)
    assert '<option value="bulk_order" selected>' in html
