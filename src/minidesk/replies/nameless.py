"""A reply to a customer whose name nobody knows (a bare address, a text message).

The name's place holds ``UNKNOWN``, a character no name or template has, and the rendered
text is mended around it: an English greeting that opens a line reads "Hi there" ("Dear
customer"); anywhere else the name goes with the comma or space before it, so the hand-off's
"Thanks, {name}." reads "Thanks." and "Hallo {name}," "Hallo," — where one filler word for
every template and language gave "Thanks, there." and "Hallo zusammen," (hello, everyone).
A template the shop wrote is mended the same way.
"""

from __future__ import annotations

import re

# A private-use character: it cannot come from a customer's name (names are the customer's
# text, which the renderer shows as given) and no template or font gives it a meaning.
UNKNOWN = "\ue000"
# Where the name only completes an English greeting; other languages greet without one.
GREETING_FILLERS = {"hi": "there", "hello": "there", "hey": "there", "dear": "customer"}
_GREETING = re.compile(
    rf"(^|<p>|<br>)([ \t]*)({'|'.join(GREETING_FILLERS)})[ \t]*{UNKNOWN}",
    re.IGNORECASE | re.MULTILINE,
)
# The name with what led to it ("Thanks, ", "Hallo "), or opening a line with its comma.
_LEFT = re.compile(
    rf"(?:^|(?<=<p>)|(?<=<br>)){UNKNOWN}[ \t]*[,:]?[ \t]*|[ \t]*,?[ \t]*{UNKNOWN}", re.MULTILINE
)


def mend(text: str) -> str:
    """``text`` with every ``UNKNOWN`` name mended away (unchanged when it has none)."""
    if UNKNOWN not in text:
        return text
    greeted = _GREETING.sub(
        lambda found: f"{found[1]}{found[2]}{found[3]} {GREETING_FILLERS[found[3].lower()]}",
        text,
    )
    return _LEFT.sub("", greeted)
