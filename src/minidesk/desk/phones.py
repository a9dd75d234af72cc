"""Phone numbers as E.164, the one form the store and every channel meet in.

Providers send "+1 (555) 010-0000", "whatsapp:+15550100000" or "15550100000"; shops export
"(555) 010-0000" or "020 7946 0958" with the country implied. ``phonenumbers`` (Google's
libphonenumber) knows each country's trunk prefixes and lengths, so "020 7946 0958" in GB
and "+44 20 7946 0958" become the same "+442079460958".
"""

from __future__ import annotations

import re

import phonenumbers

from minidesk.settings import get_settings


def to_e164(value: str, region: str | None = None) -> str:
    """``value`` as E.164, national numbers read in ``region`` (default: the setting
    ``MINIDESK_PHONE_REGION``); "" when there is no number in it at all.

    A string that does not parse as a number of any country keeps its digits behind a "+",
    as before this module: such a sender still meets the same sender, just not the store.
    """
    text = value.strip().removeprefix("whatsapp:").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    region = region or get_settings().phone_region
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        # "15550100000" from an SMS provider is an international number without its "+".
        try:
            parsed = phonenumbers.parse(f"+{digits}", None)
        except phonenumbers.NumberParseException:
            return f"+{digits}"
        if not phonenumbers.is_possible_number(parsed):
            return f"+{digits}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
