"""A message that offers the customer a few answers to tap (``meta["choices"]``, written by
the feature that asks: a survey's scores) as a Cloud API interactive message.

Up to three answers fit reply buttons; up to ten, a list message (one button that opens
the list); more than ten (an NPS scale, 0 to 10) stay a text message, answered by typing. The
tapped answer comes back as a ``button_reply`` or ``list_reply`` with the answer's id
(``inbound`` keeps it in the message's ``button`` meta)."""

from __future__ import annotations

from typing import Any

MAX_BUTTONS = 3
MAX_ROWS = 10  # rows across all of a list's sections
BUTTON_TITLE = 20  # characters of a reply button's title, and of the list's opening button
ROW_TITLE = 24
ID_LENGTH = 200  # a list row's id (a reply button's may be 256)
BODY_LIMIT = 1024


def interactive(text: str, choices: object) -> dict[str, Any] | None:
    """The ``interactive`` object for ``text`` and its choices, or None to send plain text
    (no choices, too many, or a body longer than an interactive message takes)."""
    if not isinstance(choices, dict) or len(text) > BODY_LIMIT:
        return None
    options = [
        (str(o["id"])[:ID_LENGTH], str(o["title"]))
        for o in choices.get("options") or []
        if isinstance(o, dict) and o.get("id") and o.get("title")
    ]
    if not options or len(options) > MAX_ROWS:
        return None
    if len(options) <= MAX_BUTTONS:
        buttons = [
            {"type": "reply", "reply": {"id": id_, "title": title[:BUTTON_TITLE]}}
            for id_, title in options
        ]
        return {"type": "button", "body": {"text": text}, "action": {"buttons": buttons}}
    label = str(choices.get("label") or "Choose")[:BUTTON_TITLE]
    rows = [{"id": id_, "title": title[:ROW_TITLE]} for id_, title in options]
    return {
        "type": "list",
        "body": {"text": text},
        "action": {"button": label, "sections": [{"rows": rows}]},
    }
