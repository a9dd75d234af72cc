"""Out-of-scope messages a desk receives that are not requests, as ``oos`` training rows.

Bitext (the default model's data) holds only requests, so a model trained on it alone has
never seen a customer *not* asking for anything: a texted survey answer ("5. Thanks!"),
praise, an "ok 👍", a greeting, an out-of-office reply. Its left-out classes make the
threshold refuse unfamiliar requests, but a short thank-you can still land on an intent
whose few examples share its shape (``order_late``'s seeds carry dates and numbers). Such a
message must be ``unknown``: filed on its ticket, never opening a new one or triggering a
flow.

The rows are generated from templates over our own phrases per kind and language (en, es,
de, fr, pt; ``negative_phrases.json``), in a fixed order, so the same code gives the same
rows and so the same model. They describe the *kinds* of message, not any test's sentence.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path

from minidesk.triage.data import OOS_LABEL, Example

PHRASES = Path(__file__).resolve().parent / "negative_phrases.json"
DAYS = ["3", "12", "21", "28", "Monday", "1/15", "the 9th"]
EMOJI = ["👍", "🙏", "😊", "🙂", "❤️", "👌", "🎉", "😀", "✅", "💯", "⭐⭐⭐⭐⭐", ":)", ""]
# How a texted or mailed survey answer starts: a score on the usual scales.
SCORES = ["{n}", "{n}.", "{n} -", "{n}:", "{n}/5", "{n} stars", "{n} of 5", "{n}!"]
SCORES_OF_TEN = ["{n}", "{n}/10", "{n}!", "{n} -"]
PER_LANGUAGE = 320

Phrases = dict[str, dict[str, list[str]]]


def negative_examples(per_language: int = PER_LANGUAGE, seed: int = 0) -> list[Example]:
    """Up to ``per_language`` distinct ``oos`` rows per language, the same every call."""
    phrases: Phrases = json.loads(PHRASES.read_text("utf-8"))
    rng = random.Random(seed)
    out: list[Example] = []
    for lang in phrases["thanks"]:
        seen: set[str] = set()
        # Bounded: a pool with fewer distinct rows than asked for ends the language early.
        for text in itertools.islice(_texts(phrases, lang, rng), 50 * per_language):
            if text.lower() not in seen:
                seen.add(text.lower())
                out.append(Example(text, OOS_LABEL))
            if len(seen) == per_language:
                break
    return out


class _Writer:
    """One language's non-requests, one kind per call, drawing fillers from ``rng``."""

    def __init__(self, phrases: Phrases, lang: str, rng: random.Random) -> None:
        self.p = {kind: by_lang[lang] for kind, by_lang in phrases.items() if kind != "_comment"}
        self.rng = rng

    def pick(self, kind: str) -> str:
        return self.rng.choice(self.p[kind])

    def cap(self, text: str) -> str:
        # Customers write in every case; the vectorizer lowercases, the encoder does not.
        return text[:1].upper() + text[1:] if self.rng.random() < 0.5 else text

    def emoji(self) -> str:
        e = self.rng.choice(EMOJI)
        return f" {e}" if e else ""

    def survey(self) -> str:
        rng = self.rng
        n = rng.choice("12345") if rng.random() < 0.8 else str(rng.randint(6, 10))
        score = rng.choice(SCORES if n in "12345" else SCORES_OF_TEN).format(n=n)
        if rng.random() < 0.15:
            return score
        tail = self.pick(rng.choice(["thanks", "praise"]))
        if rng.random() < 0.4:
            tail = f"{self.pick('thanks')}, {self.pick('praise')}"
        return f"{score} {self.cap(tail)}" if rng.random() < 0.8 else f"{self.cap(tail)}, {score}"

    def thanks(self) -> str:
        rng, text = self.rng, self.pick("thanks")
        if rng.random() < 0.6:
            praise = self.pick("praise")
            text = f"{text}, {praise}" if rng.random() < 0.5 else f"{praise}, {text}"
        if rng.random() < 0.3:
            text = f"{text}! {self.cap(self.pick('goodbyes'))}"
        return self.cap(text) + rng.choice(["", "!", ".", "!!"]) + self.emoji()

    def ack(self) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return rng.choice([e for e in EMOJI if e])
        text = self.pick("acks")
        if rng.random() < 0.4:
            text = f"{text}, {self.pick('thanks')}"
        return self.cap(text) + rng.choice(["", "!", "."]) + self.emoji()

    def greeting(self) -> str:
        rng, text = self.rng, self.cap(self.pick("greetings"))
        roll = rng.random()
        if roll < 0.3:
            return text + rng.choice(["", "!", "?"])
        if roll < 0.6:
            return f"{text}! {self.cap(self.pick('small_talk'))}"
        return f"{self.cap(self.pick('goodbyes'))}{rng.choice(['', '!'])}{self.emoji()}"

    def auto_reply(self) -> str:
        return self.pick("auto_replies").format(day=self.rng.choice(DAYS))

    def small_talk(self) -> str:
        return self.cap(self.pick("small_talk")) + self.emoji()


def _texts(phrases: Phrases, lang: str, rng: random.Random) -> Iterator[str]:
    """An endless stream of one language's non-requests, the kinds taking turns."""
    w = _Writer(phrases, lang, rng)
    kinds = [w.survey, w.thanks, w.ack, w.greeting, w.auto_reply, w.small_talk]
    return itertools.chain.from_iterable((kind() for kind in kinds) for _ in itertools.count())
