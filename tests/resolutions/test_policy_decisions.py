"""POLICIES.md as tables: each cap and boundary, decided by the pure ``check_*`` functions."""

from __future__ import annotations

import datetime as dt

import pytest

from minidesk.commerce.connector import (
    OrderRecord,
    OrderStatus,
    PaymentRecord,
    PaymentStatus,
    ShipmentRecord,
    ShipmentStatus,
)
from minidesk.commerce.money import Money
from minidesk.policies.calendar import business_days_late
from minidesk.policies.decisions import (
    AutoRefunded,
    Outcome,
    check_agent_refund,
    check_auto_refund,
    check_cancel,
    check_continuation,
    check_order_access,
    check_overrides,
    check_password_reset,
    check_refund,
    check_reship,
    check_return,
)
from minidesk.policies.pack import PolicyPack, RolePolicy

PACK = PolicyPack()
USD = "USD"


def payment(captured: int = 30_000, refunded: int = 0, status: str = "captured") -> PaymentRecord:
    return PaymentRecord(
        "pay_1",
        "Visa",
        "4242",
        PaymentStatus(status),
        Money(captured, USD),
        Money(captured if status == "captured" else 0, USD),
        Money(refunded, USD),
    )


def usd(cents: int) -> Money:
    return Money(cents, USD)


@pytest.mark.parametrize(
    ("captured", "refunded", "asked", "outcome", "rule"),
    [
        (30_000, 0, 5_000, Outcome.AUTO, "refund.auto_max"),  # $50.00 is inside
        (30_000, 0, 5_001, Outcome.AGENT, "refund.agent_range"),  # $50.01 is not
        (30_000, 0, 20_000, Outcome.AGENT, "refund.agent_range"),  # $200.00 agent
        (30_000, 0, 20_001, Outcome.APPROVAL, "refund.senior_approval"),  # $200.01 senior
        (6_000, 4_000, 2_000, Outcome.AUTO, "refund.auto_max"),  # exactly the balance left
        (6_000, 4_000, 2_001, Outcome.DENY, "refund.over_balance"),  # partially refunded
        (6_000, 6_000, None, Outcome.DENY, "refund.nothing_left"),
        (2_500, 0, None, Outcome.AUTO, "refund.auto_max"),  # "a refund" = the balance
    ],
)
def test_refund_caps_and_balance(
    captured: int, refunded: int, asked: int | None, outcome: Outcome, rule: str
) -> None:
    decision = check_refund(PACK, payment(captured, refunded), usd(asked) if asked else None)
    assert (decision.outcome, decision.rule) == (outcome, rule)


@pytest.mark.parametrize(
    ("on_order", "to_customer", "asked", "outcome", "rule"),
    [
        (4_000, 4_000, 1_000, Outcome.AUTO, "refund.auto_max"),  # $50.00 on the order: inside
        (4_000, 4_000, 1_001, Outcome.AGENT, "refund.order_cap"),  # $50.01: a person
        (0, 9_000, 1_000, Outcome.AUTO, "refund.auto_max"),  # $100.00 to the customer: inside
        (0, 9_000, 1_001, Outcome.AGENT, "refund.customer_cap"),  # $100.01: a person
        (5_000, 10_000, 20_001, Outcome.APPROVAL, "refund.senior_approval"),  # its own band
    ],
)
def test_automatic_refunds_add_up_per_order_and_per_customer(
    on_order: int, to_customer: int, asked: int, outcome: Outcome, rule: str
) -> None:
    already = AutoRefunded(usd(on_order), usd(to_customer))
    decision = check_auto_refund(PACK, payment(), usd(asked), already)
    assert (decision.outcome, decision.rule) == (outcome, rule)


def test_an_authorised_payment_has_nothing_to_refund() -> None:
    decision = check_refund(PACK, payment(status="authorised"), usd(100))
    assert decision.rule == "refund.nothing_captured"


def test_a_refund_to_another_method_is_handed_off() -> None:
    decision = check_refund(PACK, payment(), usd(1_000), elsewhere=True)
    assert (decision.outcome, decision.rule) == (Outcome.HAND_OFF, "refund.original_method_only")


def test_a_different_currency_is_handed_off() -> None:
    assert check_refund(PACK, payment(), Money(1_000, "EUR")).outcome == Outcome.HAND_OFF


TRUSTED = RolePolicy(may_refund=True, cap_minor=10_000, daily_budget_minor=10_000)


@pytest.mark.parametrize(
    ("limits", "amount", "spent", "outcome", "rule"),
    [
        (RolePolicy(False), 1_000, 0, Outcome.DENY, "permission.refund"),
        (TRUSTED, 10_000, 0, Outcome.AUTO, "agent.within_limits"),  # cap inclusive
        (TRUSTED, 10_001, 0, Outcome.APPROVAL, "agent.cap"),
        (TRUSTED, 4_000, 6_000, Outcome.AUTO, "agent.within_limits"),  # budget exactly used
        (TRUSTED, 4_001, 6_000, Outcome.APPROVAL, "agent.daily_budget"),
        (RolePolicy(True, 50_000, 50_000), 20_001, 0, Outcome.APPROVAL, "refund.senior_approval"),
    ],
)
def test_agent_caps_and_budgets(
    limits: RolePolicy, amount: int, spent: int, outcome: Outcome, rule: str
) -> None:
    decision = check_agent_refund(PACK, limits, payment(), usd(amount), usd(spent))
    assert (decision.outcome, decision.rule) == (outcome, rule)


@pytest.mark.parametrize(
    ("flags", "rule"),
    [
        ({"legal"}, "words.legal"),
        ({"legal", "human_please"}, "words.legal"),
        ({"health_safety"}, "words.health_safety"),
        ({"human_please"}, "words.human_please"),
        (set(), None),
    ],
)
def test_words_that_override_everything(flags: set[str], rule: str | None) -> None:
    decision = check_overrides(flags)
    assert (decision.rule if decision else None) == rule


# 2025-03-07 is a Friday.
FRI = dt.date(2025, 3, 7)


@pytest.mark.parametrize(
    ("promised", "today", "holidays", "late"),
    [
        (FRI, FRI, (), 0),  # the promised day itself is not late
        (FRI, dt.date(2025, 3, 9), (), 0),  # the weekend does not count
        (FRI, dt.date(2025, 3, 10), (), 1),  # Monday, today included
        (FRI, dt.date(2025, 3, 14), (), 5),
        (FRI, dt.date(2025, 3, 17), (), 6),
        (FRI, dt.date(2025, 3, 17), (dt.date(2025, 3, 12),), 5),  # a holiday is skipped
    ],
)
def test_business_days_late(
    promised: dt.date, today: dt.date, holidays: tuple[dt.date, ...], late: int
) -> None:
    assert business_days_late(promised, today, holidays) == late


def order(
    *,
    shipped: bool = True,
    delivered: dt.datetime | None = None,
    promised: dt.date = FRI,
    reshipped: bool = False,
    customer: str = "cus_0",
) -> OrderRecord:
    shipments = ()
    if shipped:
        status = ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT
        shipments = (
            ShipmentRecord(
                "sh_1",
                "UPS",
                "1Z1",
                status,
                dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
                None,
                delivered,
            ),
        )
        if reshipped:
            shipments += (
                ShipmentRecord(
                    "sh_2",
                    "UPS",
                    "1Z2",
                    ShipmentStatus.IN_TRANSIT,
                    dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
                    None,
                    None,
                    reship_of="sh_1",
                ),
            )
    return OrderRecord(
        "1001",
        customer,
        OrderStatus.OPEN,
        USD,
        usd(5_000),
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        promised,
        {},
        (),
        payment(),
        shipments,
    )


@pytest.mark.parametrize(
    ("record", "today", "rule"),
    [
        (order(), dt.date(2025, 3, 14), "reship.not_late_enough"),  # 5 late: tracking
        (order(), dt.date(2025, 3, 17), "reship.late"),  # 6 late: reship
        (
            order(delivered=dt.datetime(2025, 3, 8, tzinfo=dt.UTC)),
            dt.date(2025, 4, 1),
            "reship.delivered",
        ),
        (order(reshipped=True), dt.date(2025, 3, 17), "reship.already_reshipped"),
        (order(shipped=False), dt.date(2025, 3, 17), "reship.not_shipped"),
    ],
)
def test_reship(record: OrderRecord, today: dt.date, rule: str) -> None:
    assert check_reship(PACK, record, today).rule == rule


@pytest.mark.parametrize(
    ("days_since_delivery", "rule"),
    [(0, "return.window"), (30, "return.window"), (31, "return.outside_window")],
)
def test_return_window(days_since_delivery: int, rule: str) -> None:
    delivered = dt.date(2025, 3, 1)
    today = delivered + dt.timedelta(days=days_since_delivery)
    assert check_return(PACK, order(), delivered, today).rule == rule


def test_cancel_only_before_shipping() -> None:
    assert check_cancel(order(shipped=False)).outcome == Outcome.AUTO
    assert check_cancel(order()).rule == "cancel.shipped"


@pytest.mark.parametrize(
    ("channel", "sender", "on_file", "outcome"),
    [
        ("email", "emma@example.com", "emma@example.com", Outcome.AUTO),
        ("email", "EMMA@example.com", "emma@example.com", Outcome.AUTO),
        ("email", "other@example.com", "emma@example.com", Outcome.HAND_OFF),
        ("api", "emma@example.com", "emma@example.com", Outcome.HAND_OFF),
        ("sms", None, "emma@example.com", Outcome.HAND_OFF),
    ],
)
def test_password_reset_only_by_email_from_the_address_on_file(
    channel: str, sender: str | None, on_file: str, outcome: Outcome
) -> None:
    assert check_password_reset(channel, sender, on_file).outcome == outcome


@pytest.mark.parametrize(
    ("verified", "customer", "owner", "rule"),
    [
        (True, "cus_0", "cus_0", "order.own"),
        (True, "cus_0", "cus_1", "order.not_yours"),
        (True, "cus_0", None, "order.not_yours"),
        (False, None, "cus_0", "identity.unverified"),
    ],
)
def test_own_orders_only(
    verified: bool, customer: str | None, owner: str | None, rule: str
) -> None:
    record = order(customer=owner) if owner else None
    assert check_order_access(verified, customer, record).rule == rule


ASKED = {"customer_ref": "C-1", "channel": "email", "email": "emma@example.com", "phone": None}


@pytest.mark.parametrize(
    ("verified", "ref", "email", "phone", "rule"),
    [
        (True, "C-1", "emma@example.com", None, "continuation.same_customer"),
        (False, "C-1", "emma@example.com", None, "continuation.sender_mismatch"),  # forged
        (True, "C-2", "liam@example.com", None, "continuation.sender_mismatch"),  # someone else
        (True, "C-1", None, "+15550100", "continuation.sender_mismatch"),  # not how she was asked
        (True, None, "emma@example.com", None, "continuation.sender_mismatch"),  # no account
    ],
)
def test_only_the_verified_customer_asked_may_answer(
    verified: bool, ref: str | None, email: str | None, phone: str | None, rule: str
) -> None:
    decision = check_continuation(
        ASKED, verified=verified, customer_ref=ref, email=email, phone=phone
    )
    assert decision.rule == rule


def test_a_question_asked_before_anyone_was_recorded_has_no_one_to_answer_it() -> None:
    decision = check_continuation(
        None, verified=True, customer_ref="C-1", email="emma@example.com", phone=None
    )
    assert decision.outcome == Outcome.HAND_OFF
