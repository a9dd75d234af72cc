"""What a retrain learns from and is judged on: gold (agents' corrections), silver (messages
the live model was very sure about and nobody corrected) and the configured base data.

The held-out set is a deterministic slice by ticket number, so a rerun judges candidates on
the same messages and a message is never both trained on and judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from minidesk.desk.models import Direction, Message, Ticket
from minidesk.settings import Settings
from minidesk.triage.corrections import example_text
from minidesk.triage.data import SEEDS, Example, load_examples
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.triage.tables import ExampleSource, IntentExample

# One ticket in HOLDOUT_EVERY is held out.
HOLDOUT_EVERY = 5
# Silver labels are the model's own: only near-certain ones, and a bounded number, so they
# keep the intents agents never correct alive without drowning the corrections.
SILVER_MIN_CONFIDENCE = 0.8
SILVER_LIMIT = 2000


@dataclass(frozen=True)
class LearningData:
    base: list[Example]
    learned: list[Example]  # gold and silver outside the held-out slice
    holdout: dict[str, list[Example]]  # "gold" and "silver", scored separately
    n_gold: int
    n_silver: int


def is_held_out(ticket_id: int) -> bool:
    return ticket_id % HOLDOUT_EVERY == 0


def gold(session: Session) -> list[tuple[int, Example]]:
    rows = session.execute(
        select(IntentExample.ticket_id, IntentExample.text, IntentExample.label)
        .where(IntentExample.source == ExampleSource.AGENT)
        .order_by(IntentExample.ticket_id)
    )
    return [(int(t), Example(text, label)) for t, text, label in rows]


def silver(session: Session, limit: int = SILVER_LIMIT) -> list[tuple[int, Example]]:
    """The newest confident, never-corrected tickets with their first inbound message."""
    inbound = aliased(Message)
    first_message = (
        select(func.min(inbound.id))
        .where(inbound.ticket_id == Ticket.id, inbound.direction == Direction.INBOUND)
        .correlate(Ticket)
        .scalar_subquery()
    )
    corrected = exists().where(IntentExample.ticket_id == Ticket.id)
    rows = session.execute(
        select(Ticket.id, Ticket.intent, Message)
        .join(Message, Message.id == first_message)
        .where(
            Ticket.intent.is_not(None),
            Ticket.intent != UNKNOWN_INTENT,
            Ticket.intent_confidence >= SILVER_MIN_CONFIDENCE,
            ~corrected,
        )
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    return [(int(t), Example(example_text(message), str(intent)))
            for t, intent, message in rows]


def base_examples(settings: Settings) -> list[Example]:
    """The configured base data, else the shipped model's seed examples (the only part of
    its training data that may ship; Bitext itself stays out of the repository)."""
    return load_examples(Path(settings.intent_base_data) if settings.intent_base_data else SEEDS)


def gather(session: Session, settings: Settings) -> LearningData:
    golden, silvered = gold(session), silver(session)
    learned: list[Example] = []
    holdout: dict[str, list[Example]] = {"gold": [], "silver": []}
    for name, rows in (("gold", golden), ("silver", silvered)):
        for ticket_id, example in rows:
            (holdout[name] if is_held_out(ticket_id) else learned).append(example)
    return LearningData(base_examples(settings), learned, holdout, len(golden), len(silvered))
