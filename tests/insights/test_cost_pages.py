"""Cost per contact on the operations dashboard (with the contacts behind it) and the costs form:
leads read the costs, admins save them in major units through the API's checks."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.insights.cost_timeline import COSTS, build_costs
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database
from minidesk.insights.money import as_major, from_major

RANGE = {"from": "2026-03-02", "to": "2026-03-10"}


def test_the_dashboard_shows_cost_per_contact_and_the_contacts_behind_it(
    database: Database, cast: Cast, client: TestClient
) -> None:
    t = build_costs(database, cast, client)
    _signed_in(client, cast.leo.email)
    # By agent, cost per contact falls back to one line: it has no agent split.
    page = client.get("/insights/operations", params={**RANGE, "by": "agent"})
    assert page.status_code == 200, page.text[:300]
    table = page.text[page.text.index('id="cost-per-contact"'):]
    table = table[: table.index("</table>")]
    # The hand-computed totals of test_cost_per_contact_by_hand, in euros.
    for shown in ("37.50", "108.00", "0.21", "145.71", "20.82"):
        assert f"<td>{shown}</td>" in table, shown
    [link] = re.findall(r'href="(/insights/operations/tickets\?[^"]*report=cost-per-contact[^"]*)"',
                        page.text)  # fmt: skip
    behind = re.findall(r'href="/tickets/(\d+)"', client.get(html.unescape(link)).text)
    assert behind == [str(t[f"T{n}"]) for n in range(1, 8)]
    csv_link = re.search(r'id="cost-csv" href="([^"]+)"', page.text)
    assert csv_link is not None
    got = client.get(html.unescape(csv_link.group(1)))
    assert got.status_code == 200 and "cost_per_contact" in got.text


def test_a_lead_reads_the_costs_form_but_cannot_save_it(
    database: Database, cast: Cast, client: TestClient
) -> None:
    build_costs(database, cast, client)
    csrf = _signed_in(client, cast.leo.email)
    page = client.get("/insights/costs")
    assert page.status_code == 200
    assert "<fieldset disabled>" in page.text and 'value="30.00"' in page.text
    posted = client.post("/insights/costs", data={
        "csrf": csrf, "currency": "EUR", "agent_hour": "1", "tooling_month": "1",
        "sms_message": "1", "whatsapp_message": "1"}, follow_redirects=False)  # fmt: skip
    assert posted.status_code == 403
    assert client.get(COSTS, headers=cast.leo.headers).json()["agent_hour"]["amount"] == 3000


def test_an_admin_saves_costs_in_major_units_and_a_bad_amount_is_named(
    cast: Cast, client: TestClient
) -> None:
    csrf = _signed_in(client, cast.olivia.email)
    form = {"csrf": csrf, "currency": "jpy", "agent_hour": "4,500", "tooling_month": "100000",
            "sms_message": "9", "whatsapp_message": "0"}  # fmt: skip
    saved = client.post("/insights/costs", data=form)
    assert "Costs saved." in saved.text
    got = client.get(COSTS, headers=cast.olivia.headers).json()
    assert got["agent_hour"] == {"amount": 4500, "currency": "JPY"}  # the yen has no minor unit
    refused = client.post("/insights/costs", data={**form, "currency": "EUR",
                                                   "sms_message": "0.085"})  # fmt: skip
    assert "Costs not saved: &#39;0.085&#39; has more than 2 decimals for EUR" in refused.text
    refused = client.post("/insights/costs", data={**form, "currency": "E1R"})
    assert "Costs not saved: currency:" in refused.text
    assert client.get(COSTS, headers=cast.olivia.headers).json() == got


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12.34", "EUR", 1234), ("1,000", "USD", 100000), ("1000", "JPY", 1000),
     ("1.234", "KWD", 1234), ("0", "EUR", 0)],
)
def test_amounts_in_major_units_by_the_currency_s_digits(
    text: str, currency: str, minor: int
) -> None:
    assert from_major(text, currency) == minor
    assert from_major(as_major(minor, currency), currency) == minor


@pytest.mark.parametrize("text", ["-1", "1.001", "abc", "NaN", "Infinity", ""])
def test_amounts_that_are_not_money_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        from_major(text, "EUR")
