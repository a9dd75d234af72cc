"""The web processes triage what they accept and store the reading with the message; the
inbound worker writes it as read, unless the model that read it is no longer the active one."""

from __future__ import annotations

import dataclasses
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk import inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Direction, Message
from minidesk.triage import TriageResult, active_model, analyse_many

TEXTS = [
    "Where is my order #10234? It should have arrived by now.",
    "I was charged $24.99 twice for order 5521, please refund one of them!!",
    "The charger sparked and burned my hand. My lawyer will hear about this.",
    "Hola, ¿me pueden mandar la factura del pedido 881?",
    "asdf qwerty",
    "thanks, but where is the parcel? tracking 1Z999AA10123456784",
]


def test_a_reading_survives_its_trip_through_json_unchanged() -> None:
    for reading in analyse_many([(text, "") for text in TEXTS]):
        assert TriageResult.from_json(json.loads(json.dumps(reading.to_json()))) == reading


def test_a_message_accepted_through_the_api_carries_what_triage_read(
    client: TestClient, cast: Cast, database: Database
) -> None:
    inbound(client, cast.alice, TEXTS[0], "m-1")
    with database.sessions() as session:
        payload = session.scalars(select(inbox.InboxItem.payload)).one()
    assert payload[inbox.READING] == analyse_many([(TEXTS[0], "")])[0].to_json()
    assert inbox.READING not in dataclasses.asdict(inbox.from_payload(payload))


def _accept(reading: TriageResult) -> int:
    message = InboundMessage(
        channel="api", external_id="m-1", sender=Sender(email="emma@example.com"), text=TEXTS[0]
    )
    return inbox.accept_many([message], readings=[reading.to_json()])[0].inbox_id


def _written(database: Database, inbox_id: int) -> Message:
    pipeline.process_batch([inbox_id], database)  # if the accept's job has not yet
    with database.sessions() as session:
        return session.scalars(select(Message).where(Message.direction == Direction.INBOUND)).one()


@pytest.mark.usefixtures("config")
def test_the_worker_writes_the_reading_it_was_handed(database: Database) -> None:
    read = analyse_many([(TEXTS[0], "")])[0]
    assert read.intent != "invoice"  # so the written intent can only be the handed one
    handed = dataclasses.replace(read, intent="invoice", intent_confidence=0.5)
    assert _written(database, _accept(handed)).intent == "invoice"


@pytest.mark.usefixtures("config")
def test_a_reading_by_a_model_no_longer_active_is_taken_again(database: Database) -> None:
    read = analyse_many([(TEXTS[0], "")])[0]
    stale = dataclasses.replace(read, intent="invoice", model_version="retired-model")
    assert active_model().version != "retired-model"
    assert _written(database, _accept(stale)).intent == read.intent
