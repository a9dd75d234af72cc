"""Agents' corrections become examples; enough of them retrain once, in the background; a
better model is promoted everywhere, a worse one is rejected; admins can roll back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import ON_POSTGRES, Cast

from minidesk import db, settings
from minidesk.db import utcnow
from minidesk.events import Event
from minidesk.triage import retrain_job
from minidesk.triage.registry import registry
from minidesk.triage.sync import watcher
from minidesk.triage.tables import IntentExample, IntentModelVersion, IntentRetrain
from triage.learning_fixtures import GIFT_CARD, Desk, use_settings, write_base

pytestmark = pytest.mark.usefixtures("toy_live")


@pytest.fixture
def desk(client: object, cast: Cast) -> Desk:
    return Desk(client, cast)  # type: ignore[arg-type]


def _events(kind: str) -> list[Event]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def _count(model: type[IntentExample] | type[IntentModelVersion]) -> int:
    with db.get_db().sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _teach_gift_cards(desk: Desk) -> list[int]:
    """Customers ask about gift cards (unknown to the toy model); agents correct each."""
    numbers = [desk.message(text) for text in GIFT_CARD]
    for number in numbers:
        desk.correct(number, "gift_card")
    return numbers


def test_a_correction_stores_the_first_message_as_an_example(desk: Desk) -> None:
    number = desk.message("how much is left on my gift card")
    desk.message("where is my order")  # another ticket, never corrected
    desk.correct(number, "gift_card")
    desk.correct(number, "gift_voucher")  # corrected again: one example, relabelled
    with db.get_db().sessions() as session:
        rows = list(session.scalars(select(IntentExample)))
    assert [(r.ticket_id, r.text, r.label, r.source) for r in rows] == [
        (number, "how much is left on my gift card", "gift_voucher", "agent")
    ]


def test_taught_intent_is_promoted_and_used_by_the_pipeline(
    desk: Desk, config: settings.Settings, tmp_path: Path
) -> None:
    use_settings(config, intent_retrain_min_examples=10,
                 intent_base_data=str(write_base(tmp_path / "base.jsonl")))
    before = desk.message("what is the balance of my gift card")
    assert desk.ticket(before)["intent"] != "gift_card"
    _teach_gift_cards(desk)

    with db.get_db().sessions() as session:
        assert session.get_one(IntentRetrain, 1).due_at is not None
    assert retrain_job.is_due(utcnow())  # what makes the sweep queue the retrain job
    # Two workers run the queued retrain at once: exactly one of them trains.
    results: list[int] = []
    sweeps = [threading.Thread(target=lambda: results.append(
        retrain_job.run_due_retrain(utcnow()))) for _ in range(2)]
    for sweep in sweeps:
        sweep.start()
    for sweep in sweeps:
        sweep.join()
    assert sorted(results) == [0, 1]
    assert retrain_job.run_due_retrain(utcnow()) == 0  # nothing new since: not due again
    assert not retrain_job.is_due(utcnow())

    promoted = _events("triage.model_promoted")
    assert len(promoted) == 1 and not _events("triage.model_rejected")
    assert promoted[0].data["candidate_score"] >= promoted[0].data["current_score"]
    after = desk.message("what is the balance of my gift card")
    assert desk.ticket(after)["intent"] == "gift_card"


def test_worse_candidate_is_rejected_and_the_old_model_stays(
    desk: Desk, config: settings.Settings, tmp_path: Path
) -> None:
    # Base data with every label wrong outweighs what traffic teaches: a worse candidate.
    bad = write_base(tmp_path / "bad.jsonl", rotate=True, repeat=5)
    use_settings(config, intent_retrain_min_examples=3, intent_base_data=str(bad))
    for number in range(1, 21):
        # Tickets 5, 15: gift cards corrected by agents (held out: neither model knows them);
        # 10, 20 and the rest: ordinary questions the live model is sure of (silver).
        if number % 10 == 5:
            desk.correct(desk.message(GIFT_CARD[number // 10]), "gift_card")
        else:
            desk.message(["where is my order", "please refund me", "reset my password"][number % 3])
    desk.correct(desk.message(GIFT_CARD[5]), "gift_card")  # ticket 21: the third correction
    version_before = registry.active().version

    assert retrain_job.run_due_retrain(utcnow()) == 1
    rejected = _events("triage.model_rejected")
    assert len(rejected) == 1 and not _events("triage.model_promoted")
    assert rejected[0].data["candidate_score"] < rejected[0].data["current_score"]
    assert _count(IntentModelVersion) == 0
    assert registry.active().version == version_before


def test_admin_rolls_back_and_managers_see_the_versions(
    desk: Desk, config: settings.Settings, tmp_path: Path
) -> None:
    use_settings(config, intent_retrain_min_examples=10,
                 intent_base_data=str(write_base(tmp_path / "base.jsonl")))
    _teach_gift_cards(desk)
    assert retrain_job.run_due_retrain(utcnow()) == 1
    client, cast = desk.client, desk.cast

    listed = client.get("/api/v1/triage/models", headers=cast.maya.headers)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(i["version"], i["active"], i["builtin"]) for i in items] == [
        (1, True, False), (0, False, True)]
    assert items[0]["metrics"]["n_gold"] == len(GIFT_CARD)
    assert client.get("/api/v1/triage/models", headers=cast.leo.headers).status_code == 403
    assert client.post("/api/v1/triage/models/0/activate",
                       headers=cast.maya.headers).status_code == 403
    assert client.post("/api/v1/triage/models/7/activate",
                       headers=cast.olivia.headers).status_code == 404

    rolled = client.post("/api/v1/triage/models/0/activate", headers=cast.olivia.headers)
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["active"] and rolled.json()["builtin"]
    assert desk.ticket(desk.message("check my gift card balance"))["intent"] != "gift_card"

    again = client.post("/api/v1/triage/models/1/activate", headers=cast.olivia.headers)
    assert again.status_code == 200 and again.json()["active"]
    assert desk.ticket(desk.message("check my gift card balance"))["intent"] == "gift_card"


def test_other_processes_pick_up_the_active_version(
    desk: Desk, config: settings.Settings, tmp_path: Path
) -> None:
    use_settings(config, intent_retrain_min_examples=10,
                 intent_base_data=str(write_base(tmp_path / "base.jsonl")))
    _teach_gift_cards(desk)
    assert retrain_job.run_due_retrain(utcnow()) == 1
    promoted = registry.active().version
    # Another process has not seen the promotion yet: it starts from the default...
    registry.reset()
    watcher.forget()
    # ...and its first look at the database switches it over.
    assert registry.active().version == promoted
    assert ON_POSTGRES or db.get_db().is_sqlite
