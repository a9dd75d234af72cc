"""Money as integer minor units with an ISO currency; comparisons are exact."""

from __future__ import annotations

from dataclasses import dataclass

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$", "JPY": "¥"}
ZERO_DECIMAL = frozenset({"JPY"})


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, order=False)
class Money:
    amount_minor: int
    currency: str

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be compared")

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __gt__(self, other: Money) -> bool:
        return not self <= other

    def __ge__(self, other: Money) -> bool:
        return not self < other

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def as_dict(self) -> dict[str, int | str]:
        return {"amount_minor": self.amount_minor, "currency": self.currency}


def format_money(money: Money) -> str:
    """'$24.00', '-$5.00', '€5.50', '¥300', or '12.00 SEK' for currencies without a symbol."""
    return format_minor(money.amount_minor, money.currency)


def format_minor(amount_minor: int, currency: str) -> str:
    """``format_money`` for a bare amount in minor units (what templates and rules carry)."""
    code = currency.upper()
    sign = "-" if amount_minor < 0 else ""
    if code in ZERO_DECIMAL:
        number = f"{abs(amount_minor):,}"
    else:
        whole, cents = divmod(abs(amount_minor), 100)
        number = f"{whole:,}.{cents:02d}"
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"
