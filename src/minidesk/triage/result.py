"""The contract between triage and the rest of minidesk: what reading a message yields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

UNKNOWN_INTENT = "unknown"


@dataclass(frozen=True)
class TriageResult:
    """Everything triage concluded about one inbound message.

    ``intent`` is ``"unknown"`` when the model is below its calibrated threshold (out of scope).
    ``entities`` maps a kind (``order_numbers``, ``tracking_numbers``, ``emails``, ``phones``,
    ``amounts``, ``dates``) to the values found, in order of appearance; amounts are
    ``{"amount_minor": int, "currency": "USD", "text": "$24.00"}``.
    ``priority_reasons`` explain the priority in words an agent reads on the timeline.
    ``flags`` are the policy-relevant findings: ``legal``, ``health_safety``, ``human_please``.
    """

    intent: str
    intent_confidence: float
    sentiment: str
    sentiment_score: float
    language: str
    entities: dict[str, list[Any]]
    priority: str
    priority_reasons: list[str]
    flags: frozenset[str] = frozenset()
    model_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The reading as JSON values (``from_json`` gives it back equal): a reading taken
        where the message was accepted travels with it to the pipeline. Shallow: it is
        serialised at once, never mutated."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["flags"] = sorted(self.flags)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TriageResult:
        return cls(**{**data, "flags": frozenset(data["flags"])})
