"""A QA scorecard as data: weighted categories of items, each item scored 0 to 4 (or N/A).

Score of a review = Σ over categories of weight * (Σ item scores / Σ 4 per scored item),
divided by the weights of the categories with at least one scored item, as a percentage. An
N/A item (null) counts in neither sum, so a conversation with no refund is not marked down
for a refund step it never needed."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.insights.qa_models import QaScorecard

ITEM_MAX = 4
MIN_ITEMS, MAX_ITEMS = 15, 25
TOTAL_WEIGHT = 100
_KEY = r"^[a-z][a-z0-9_]{0,39}$"


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1, max_length=200)


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1, max_length=100)
    weight: int = Field(ge=1, le=TOTAL_WEIGHT)
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)


class ScorecardSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    categories: list[Category] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _sound(self) -> ScorecardSpec:
        weights = sum(c.weight for c in self.categories)
        if weights != TOTAL_WEIGHT:
            raise ValueError(f"category weights must add up to {TOTAL_WEIGHT}, not {weights}")
        keys = [i.key for c in self.categories for i in c.items]
        if not MIN_ITEMS <= len(keys) <= MAX_ITEMS:
            raise ValueError(f"a scorecard has {MIN_ITEMS} to {MAX_ITEMS} items, not {len(keys)}")
        if len(set(keys)) != len(keys):
            raise ValueError("item keys must be unique across the scorecard")
        return self


def _items(*pairs: str) -> list[dict[str, str]]:
    return [{"key": re.sub(r"\W+", "_", label.lower()).strip("_")[:40], "label": label}
            for label in pairs]  # fmt: skip


DEFAULT: dict[str, Any] = {
    "name": "Default",
    "categories": [
        {"key": "accuracy", "label": "Accuracy", "weight": 30, "items": _items(
            "Answer is correct", "Answer is complete", "Policy applied correctly",
            "Right resolution chosen")},
        {"key": "empathy", "label": "Empathy", "weight": 25, "items": _items(
            "Acknowledged the customer's situation", "Personal, not scripted",
            "Tone fits the customer", "Took ownership")},
        {"key": "compliance", "label": "Compliance", "weight": 20, "items": _items(
            "Identity verified before account details", "No data disclosed to others",
            "Tagged and categorised", "Internal notes where needed")},
        {"key": "closure", "label": "Closure", "weight": 25, "items": _items(
            "Confirmed the issue is resolved", "Next steps stated",
            "Offered further help", "Solved with the right status")},
    ],
}  # fmt: skip


def active_scorecard(session: Session) -> QaScorecard | None:
    return session.scalars(
        select(QaScorecard).where(QaScorecard.active.is_(True)).order_by(QaScorecard.id.desc())
    ).first()


def default_scorecard(session: Session) -> QaScorecard:
    """The active scorecard, creating the default one when there is none (a new workspace)."""
    found = active_scorecard(session)
    if found is not None:
        return found
    card = QaScorecard(name=DEFAULT["name"], active=True, spec=DEFAULT)
    session.add(card)
    session.flush()
    return card


class ScoreError(ValueError):
    pass


def check_scores(spec: dict[str, Any], scores: dict[str, int | None]) -> None:
    known = {item["key"] for c in spec["categories"] for item in c["items"]}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise ScoreError(f"not items of this scorecard: {', '.join(unknown)}")
    missing = sorted(known - set(scores))
    if missing:
        raise ScoreError(f"score every item (null for N/A); missing: {', '.join(missing)}")
    for key, value in scores.items():
        if value is not None and not 0 <= value <= ITEM_MAX:
            raise ScoreError(f"{key}: a score is 0 to {ITEM_MAX} or null, not {value}")


def weighted_percent(spec: dict[str, Any], scores: dict[str, int | None]) -> float | None:
    """The review's score in percent (None: every item N/A)."""
    total = weights = 0.0
    for category in spec["categories"]:
        given = [scores[i["key"]] for i in category["items"] if scores.get(i["key"]) is not None]
        if not given:
            continue
        total += (
            category["weight"] * sum(v for v in given if v is not None) / (ITEM_MAX * len(given))
        )
        weights += category["weight"]
    return round(100 * total / weights, 2) if weights else None


def do_create_scorecard(session: Session, spec: ScorecardSpec, actor: Actor) -> QaScorecard:
    """Store ``spec`` as the active scorecard; reviews already sampled keep theirs."""
    if session.scalar(select(QaScorecard.id).where(QaScorecard.name == spec.name)) is not None:
        raise ScoreError(f"a scorecard named {spec.name!r} exists")
    session.execute(update(QaScorecard).values(active=False))
    card = QaScorecard(name=spec.name, active=True, spec=spec.model_dump())
    session.add(card)
    session.flush()
    emit(session, EventKind.QA_SCORECARD_CREATED, actor, scorecard_id=card.id, name=card.name)
    return card
