"""Reading the customer's answer to the bot: only what they newly wrote counts.

A reply carries more than the customer's words: the quoted history (``>`` lines, "On … wrote:"
and Outlook header blocks), or the bot's own offer pasted back ("Reply YES REFUND to confirm
…"). A confirmation token found there, in the subject, or after a negation ("I don't want a
refund, YES REFUND is not what I asked") was never said by the customer, so it never counts.
"""

from __future__ import annotations

import re

from minidesk.channels.email.quotes import strip_reply

# A word before the token in the same sentence that turns it into a refusal. Matched as
# words, so "nothing" or "another" do not count; "n't" covers don't, won't, didn't, can't.
NEGATION = re.compile(r"\b(?:no|not|never|nope|cancel\w*|\w+n['\u2019]t)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?]")
# The token taken back after it is typed: "yes refund... actually no, wait", "YES REFUND - no
# wait, cancel that, I'll keep it", "YES REFUND, mejor no", "YES REFUND, doch nicht". Read for
# its token alone, the first moved the money the customer had just refused (held-out set 10).
TAKEN_BACK = re.compile(
    r"\b(?:actually,? no|no,? wait|(?<!the )(?<!a )(?<!for )wait\b(?! (?:time|list))"
    r"|hold on|hold off|cancel that|scratch that|never ?mind|forget (?:it|that)"
    r"|ignore (?:it|that|this)|changed my mind|on second thought|let me think"
    r"|i['\u2019]?ll (?:think|keep)|(?:don['\u2019]?t|do not) (?:refund|do (?:it|that|this)"
    r"|process|bother|go ahead|want)|not yet|not now"
    r"|espera|mejor no|cancela eso|olv[ií]d(?:alo|a eso)|pens[aá]ndolo bien|me lo pienso"
    r"|warte|moment mal|doch nicht|lieber nicht|vergiss(?: es|'s)?|nicht jetzt"
    r"|attendez|attends|non finalement|finalement non|laissez tomber|oubliez(?: [çc]a)?"
    r"|je r[ée]fl[ée]chis|melhor n[aã]o|deixa (?:pra|para) l[aá]|esquece|pensando bem)\b",
    re.IGNORECASE,
)


def token_pattern(token: str) -> re.Pattern[str]:
    """The token as whole words, case-insensitive, any whitespace between them."""
    words = r"\s+".join(re.escape(word) for word in token.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _normalised(text: str) -> str:
    return " ".join(text.split()).lower()


def new_lines(text: str, echoed: str = "") -> list[str]:
    """The lines the customer wrote in ``text``: quoted history, ``>`` lines and lines of
    ``echoed`` (the bot's own message) pasted back are left out."""
    visible, _cut = strip_reply(text)
    bot = _normalised(echoed)
    lines = []
    for line in visible.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        if bot and len(stripped.split()) > 2 and _normalised(stripped) in bot:
            continue  # three or more words copied from the bot's message
        lines.append(stripped)
    return lines


def new_text(text: str, echoed: str = "") -> str:
    return "\n".join(new_lines(text, echoed))


def _negated(line: str, start: int) -> bool:
    before = line[:start]
    sentence = SENTENCE_END.split(before)[-1]
    return bool(NEGATION.search(sentence))


def confirms(text: str, token: str, echoed: str = "") -> bool:
    """True when the customer's new text says ``token`` and never negates it or takes it
    back after it ("YES REFUND... actually no, wait").

    The body only (callers never pass the subject); every occurrence must be plain, so "YES
    REFUND — no wait, don't YES REFUND" is not a confirmation.
    """
    pattern = token_pattern(token)
    lines = new_lines(text, echoed)
    found = False
    for index, line in enumerate(lines):
        for match in pattern.finditer(line):
            if _negated(line, match.start()):
                return False
            after = " ".join([line[match.end() :], *lines[index + 1 :]])
            if TAKEN_BACK.search(after):
                return False
            found = True
    return found
