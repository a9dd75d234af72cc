"""Integer minor units shown and read as major units: how many digits a currency's minor unit
has (ISO 4217; most have 2), so 1000 is 10.00 EUR but 1000 JPY."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Currencies whose minor unit is not a hundredth (ISO 4217's list, the ones in use).
MINOR_DIGITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}  # fmt: skip


def digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def as_major(amount: int | float, currency: str) -> str:
    """``1234`` EUR → ``"12.34"``; a mean in minor units keeps the unit's digits."""
    places = digits(currency)
    return f"{amount / 10**places:,.{places}f}"


def from_major(text: str, currency: str) -> int:
    """``"12.34"`` EUR → ``1234``; ValueError for anything else (more decimals than the
    currency has, a sign, not a number)."""
    places = digits(currency)
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{text!r} must be zero or more")
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise ValueError(f"{text!r} has more than {places} decimals for {currency}")
    return int(minor)
