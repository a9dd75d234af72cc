"""The address lines in a customer's answer to "reply with the full new address", without the
words around them.

Customers wrap the address in a sentence: "Die neue Adresse lautet: Bergstraße 7, 10115
Berlin, Deutschland", "ok, 22 Pine St, …", "please send it to 12 High St, …", "…, UK. Thanks!",
or a greeting and a signature on lines of their own. Split on commas and lines as it was,
every such word became an address line in the store — "Die neue Adresse lautet: Bergstraße
7" was the parcel's first line (held-out set 9). Only words that are plainly not the address
are taken off: a lead-in that ends in a colon or names the address ("my new address is"), a
greeting or a thank-you line, a sign-off and the name after it. An answer that is still not
plainly an address (a question, no house number, too few parts) is no address: a person
reads it.
"""

from __future__ import annotations

import re

from minidesk.triage.courtesy import is_acknowledgement, is_greeting

MIN_PARTS, MAX_CHARS = 3, 300
# What leads into the address on its first line: "New address: ", "please send it to ", "my
# new address is ", "la nueva dirección es ", "die neue Adresse lautet ", "ma nouvelle adresse
# est ", "o novo endereço é ", "it's ".
LEAD_IN = re.compile(
    r"^(?:[^\d:\n]{0,60}\b(?:address|adresse|anschrift|direcci[oó]n|endere[cç]o|morada|here|to"
    r"|lautet|ist|is|es|est|[ée])\s*:\s*"
    r"|(?:(?:ok(?:ay)?|sure|yes|so|please|pls|kindly)[\s,]+)*"
    r"(?:(?:(?:send|ship|deliver|change|update|move)\s+(?:it|them|the order|my order|the parcel"
    r"|the package)?\s*(?:instead\s+)?to)"
    r"|(?:(?:the|my|our)\s+)?(?:new\s+)?address\s+(?:is|will be)"
    r"|it['\u2019]?s|this is|here it is|to"
    r"|(?:la\s+|mi\s+)?nueva direcci[oó]n es|(?:die\s+|meine\s+)?neue adresse (?:ist|lautet)"
    r"|(?:la\s+|ma\s+)?nouvelle adresse (?:est|sera)|(?:o\s+|meu\s+)?novo endere[cç]o [ée])\s+)",
    re.IGNORECASE,
)
# A thank-you after the last line's full stop: "UK. Thanks!", "Deutschland. Danke".
TRAILING_THANKS = re.compile(
    r"(?<=\w)[.!]+\s+(?:thanks?|thank you|thx|cheers|ta|danke|vielen dank|gracias|merci"
    r"|obrigad[oa]|valeu)\b[^\n]*$",
    re.IGNORECASE,
)
# A sign-off that ends the address (the name after it goes too).
SIGN_OFF = re.compile(
    r"^(?:best|regards|kind regards|best regards|many thanks|thanks|thank you|thx|cheers|sincerely"
    r"|saludos|un saludo|atentamente|gr[uü](?:ß|ss)e|viele gr[uü](?:ß|ss)e|mfg|lg|cordialement"
    r"|bien [àa] vous|atenciosamente|abra[cç]os|obrigad[oa])\b",
    re.IGNORECASE,
)


def parse_address(text: str) -> list[str] | None:
    """Address lines from a reply like "12 High St, Leeds, LS1 4AB, UK"; None when it is not
    plainly an address."""
    body = text.strip()
    if not body or len(body) > MAX_CHARS or "?" in body:
        return None
    parts = [p.strip() for p in re.split(r"[\n,]+", body) if p.strip()]
    while parts and (is_greeting(parts[0]) or is_acknowledgement(parts[0])):
        parts.pop(0)  # "Hi,", "ok,", "sure,"
    if parts:
        parts[0] = LEAD_IN.sub("", parts[0], count=1).strip()
    for end, part in enumerate(parts):
        # A sign-off, not any acknowledging word: "Tulsa, OK 74103" is Oklahoma.
        if end >= MIN_PARTS and SIGN_OFF.match(part):
            parts = parts[:end]
            break
    if parts and (last := TRAILING_THANKS.sub("", parts[-1])) != parts[-1]:
        parts[-1] = last.rstrip(" .!")
    parts = [part for part in parts if part]
    if len(parts) < MIN_PARTS or not re.search(r"\d", parts[0] + parts[1]):
        return None
    return parts
