"""``docs/events.md``, rendered from the catalogue so the two cannot drift apart.

Regenerate with ``python -m minidesk.event_docs > docs/events.md``; a test fails when the
committed file differs from what this renders.
"""

from __future__ import annotations

from minidesk.event_kinds import CATALOGUE, OPTIONAL, EventSpec

HEADER = """\
# Event kinds

<!-- Generated from src/minidesk/event_kinds.py by `python -m minidesk.event_docs`;
     edit the catalogue, not this file (a test fails when they differ). -->

Every state change in minidesk records an event in the same transaction: it is the ticket
timeline, the audit trail, and what listeners, automation rules and integrations react to
after commit. The kinds below are the complete list; the desk refuses to emit any other.

## The envelope

Every event, whatever its kind, has these fields (as `GET /api/v1/tickets/{{number}}/timeline`
and `GET /api/v1/customers/{{id}}/timeline` return them):

| Field | Type | Meaning |
|---|---|---|
| `id` | integer | Increases with every event: the order of events, and a key to de-duplicate. |
| `kind` | string | One of the kinds below. |
| `ticket_id` | integer or null | The ticket it is about, if any. |
| `customer_id` | integer or null | The customer it is about, if any. |
| `message_id` | integer or null | The message it is about, if any. |
| `actor_type` | string | Who caused it: `user`, `customer`, `system` or `automation`. |
| `actor_id` | integer or null | The user's, customer's or rule's id, when there is one. |
| `actor_name` | string | A readable name for the actor (e.g. `rule 3: VIPs first`). |
| `automated` | boolean | Caused by automation or the system; rules need `allow_automated` for it. |
| `created_at` | string | ISO 8601, UTC. |
| `data` | object | The kind's payload, described below. |

Payload types are JSON types; `any` is a value whose shape belongs to another part of the
contract (a rule, a policy pack, the changed settings), usually as `before` and `after`.
An `optional` field is absent from some events of that kind.

## Kinds rules may use

An automation rule's `event` is `time` or one of these (kinds about a ticket that automation
does not emit about its own work); saving a rule with any other is refused with a 422 that
lists them.

{rule_events}

## All kinds

{kinds}"""


# The catalogue's short type names, as JSON calls them.
JSON_NAMES = {"str": "string", "int": "integer", "bool": "boolean", "list": "array"}


def _payload(spec: EventSpec) -> str:
    if not spec.payload:
        return "No payload fields."
    rows = ["| Field | Type |", "|---|---|"]
    for name, declared in spec.payload.items():
        optional = declared.startswith(OPTIONAL)
        names = declared.removeprefix(OPTIONAL).split(" | ")
        kind = " or ".join(JSON_NAMES.get(name, name) for name in names)
        rows.append(f"| `{name}` | {'optional ' if optional else ''}{kind} |")
    return "\n".join(rows)


def _section(spec: EventSpec) -> str:
    rules = "yes" if spec.rule_event else "no"
    return f"### `{spec.kind}`\n\n{spec.meaning} Rules may use it: {rules}.\n\n{_payload(spec)}\n"


def render() -> str:
    specs = sorted(CATALOGUE.values(), key=lambda spec: spec.kind.value)
    rule_events = "\n".join(f"- `{spec.kind}`" for spec in specs if spec.rule_event)
    kinds = "\n".join(_section(spec) for spec in specs)
    return HEADER.format(rule_events=rule_events, kinds=kinds)


if __name__ == "__main__":
    print(render(), end="")
