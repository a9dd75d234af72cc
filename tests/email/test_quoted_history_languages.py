"""A reply's quoted history is cut in every language the desk speaks, its attribution line
included: a Portuguese "Em …, … escreveu:" stayed in the new text, and with it the old
thread's order numbers (held-out set 10)."""

from __future__ import annotations

import pytest

from minidesk.channels.email.quotes import strip_reply

NEW = "Podem me mandar a nota fiscal do pedido 10238?"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 30 Nov 2026 at 10:12, Support <support@shop.example> wrote:",
        "El lun, 30 nov 2026 a las 10:12, Soporte <support@shop.example> escribió:",
        "Am Mo., 30. Nov. 2026 um 10:12 Uhr schrieb Support <support@shop.example>:",
        "Le lun. 30 nov. 2026 à 10:12, Support <support@shop.example> a écrit :",
        "Em seg., 30 de nov. de 2026 às 10:12, Suporte <support@shop.example> escreveu:",
    ],
)
def test_the_quoted_history_and_its_attribution_are_cut(attribution: str) -> None:
    text = f"{NEW}\n\n{attribution}\n> O seu pedido 10235 está atrasado.\n"
    assert strip_reply(text) == (NEW, True)
