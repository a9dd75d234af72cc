"""What a certification gate may be called: a name routing acts on (docs/qa.md).

``escalations`` (tickets whose tier was raised, ``gate_routing.escalated``) is insights' own;
every other name is one of routing's skill names (``routing.skills``): ``urgent``,
``channel.<kind>``, ``line.<product line>``, ``language.<code>``. A name is checked against
what this desk has now (its channel kinds, the product lines its routing settings map to, the
workspace's languages), so a gate is never saved under a name that nothing would ask for. A
gate stored before (an older free-form name), or whose line or language has since gone, is
kept and listed with why it has no effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.insights.gates import certify_gates, gate_dict
from minidesk.insights.qa_models import QaGate
from minidesk.routing import skills
from minidesk.routing.skills import CHANNEL, LANGUAGE, LINE, URGENT, Known

ESCALATIONS = "escalations"
MAX_NAME = 64
# Each prefixed form, and what its value is called in a message.
WHAT = {CHANNEL: "channel kind", LINE: "product line", LANGUAGE: "language"}


class GateNameError(ValueError):
    """A gate name that would take no effect; the message lists the accepted forms."""


def accepted_forms(known: Known) -> str:
    """The forms, each prefixed one with the values it can take on this desk now."""

    def values(prefix: str, none: str) -> str:
        found = known.values(prefix)
        return ", ".join(found) if found else none

    return (
        f"{ESCALATIONS}, {URGENT} (P1 tickets), "
        f"channel.<kind> ({values(CHANNEL, 'none installed')}), "
        f"line.<product line> ({values(LINE, 'none yet: map intents or tags to product lines in the routing settings')}), "  # noqa: E501
        f"language.<code> ({values(LANGUAGE, 'none')})"
    )


def choices(known: Known) -> list[str]:
    """Every name a gate may have on this desk now, in the order the forms are listed."""
    prefixed = [skills.named(p, v) for p in (CHANNEL, LINE, LANGUAGE) for v in known.values(p)]
    return [ESCALATIONS, URGENT, *prefixed]


def without_effect(name: str, known: Known) -> str | None:
    """Why a gate called ``name`` would change nothing on this desk; None when it applies."""
    if name in (ESCALATIONS, URGENT):
        return None
    prefix, dot, value = name.partition(skills.SEPARATOR)
    if not dot or prefix not in WHAT:
        return f"{name!r} names nothing routing asks of a ticket"
    if value not in known.values(prefix):
        return f"{name!r}: no {WHAT[prefix]} {value!r} on this desk"
    return None


def check_gate_name(session: Session, name: str) -> None:
    """``GateNameError`` unless a gate called ``name`` would take effect."""
    known = skills.known(session)
    if len(name) > MAX_NAME:
        raise GateNameError(f"a gate name has at most {MAX_NAME} characters")
    why = without_effect(name, known)
    if why is not None:
        raise GateNameError(f"{why}; a gate is one of: {accepted_forms(known)}")


def listed(
    session: Session, gates: Iterable[QaGate], known: Known | None = None
) -> list[dict[str, Any]]:
    """Each gate as the API lists it, with ``in_effect`` and, when not, a ``warning``."""
    known = known or skills.known(session)
    return [{**gate_dict(gate), **_effect(gate.skill, known)} for gate in gates]


def _effect(name: str, known: Known) -> dict[str, Any]:
    why = without_effect(name, known)
    return {"in_effect": why is None, "warning": f"no effect: {why}" if why else None}


def certifications(session: Session, agent_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    """The agent's certification under every gate, each with ``in_effect`` and ``warning`` as
    the gate list has them: a certification under a gate routing ignores opens nothing."""
    gates = list(session.scalars(select(QaGate).order_by(QaGate.skill)))
    found = certify_gates(session, [agent_id], gates, now)
    known = skills.known(session)
    return [{**asdict(found[g.skill][agent_id]), **_effect(g.skill, known)} for g in gates]
