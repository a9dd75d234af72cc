"""The demo workspace: a small shop's people and a month of conversations across channels
(two mailboxes and the shop app's API integration, each able to answer).

Customer messages go through the real inbox and pipeline, so triage, threading and the
timeline are what production would produce. Seeding is idempotent: a second run only issues
a fresh demo API token.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from minidesk import inbox, pipeline
from minidesk.automation.defaults import do_seed_examples
from minidesk.channels.base import InboundMessage, Sender
from minidesk.channels.email.config import ensure_support_address
from minidesk.channels.models import Channel
from minidesk.channels.service import do_update_channel, ensure_api_channel
from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.demo_channels import DEMO_ORIGINS, seed_live_channels, widget_snippet
from minidesk.demo_teams import do_place
from minidesk.desk import users
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import ApiToken, Message, Role, Status, Ticket, User
from minidesk.desk.workspace import do_update_workspace
from minidesk.events import SYSTEM, Event
from minidesk.kb.seed import seed_demo_articles, seed_demo_guides
from minidesk.replies.store import do_seed_defaults
from minidesk.resolutions.runners import RUNNABLE
from minidesk.sla.policies import do_seed_defaults as do_seed_sla_policies

DEMO_PASSWORD = "minidesk-demo"
ADMIN_EMAIL = "owner@shop.example"
APP_EMAIL = "shop-app@shop.example"
APP_INTEGRATION = "shop-app"
STAFF = [
    (ADMIN_EMAIL, "Olivia Owner", Role.ADMIN, ["Support", "Billing"]),
    ("maya@shop.example", "Maya Manager", Role.MANAGER, ["Support", "Billing"]),
    ("leo@shop.example", "Leo Lead", Role.LEAD, ["Support"]),
    ("alice@shop.example", "Alice Agent", Role.AGENT, ["Support"]),
    ("bob@shop.example", "Bob Agent", Role.AGENT, ["Support"]),
    ("carol@shop.example", "Carol Agent", Role.AGENT, ["Billing"]),
]
FIRST = [
    "Emma",
    "Liam",
    "Sofia",
    "Noah",
    "Mia",
    "Lucas",
    "Ana",
    "Jonas",
    "Chloé",
    "Mateo",
    "Hannah",
    "Omar",
    "Priya",
    "Kenji",
    "Grace",
    "Tomás",
    "Lena",
    "Yusuf",
    "Isla",
    "Marco",
]
LAST = [
    "Garcia",
    "Müller",
    "Dubois",
    "Smith",
    "Rossi",
    "Novak",
    "Kim",
    "Silva",
    "Brown",
    "Jensen",
    "Okafor",
    "Tanaka",
    "Lopez",
    "Weber",
    "Martin",
    "Nguyen",
]
# Where the demo's conversations happen: the two mailboxes and the shop app's integration
# (weighted by repetition). Every one can answer; the live channels' few conversations are
# seeded by ``demo_channels``.
MAILBOXES = {
    "support": ("support@threadbare.example", "Support"),
    "billing": ("billing@threadbare.example", "Billing"),
}
APP = "app"
CHANNELS = ["support", "support", "support", "billing", "billing", APP, APP, APP]

# Real phrasings of the contacts a small online shop gets; {o} is an order number.
OPENERS = [
    "Hi, where is my order #{o}? It was supposed to arrive on Monday.",
    "Can you tell me the tracking number for order {o}?",
    "My package for order #{o} still hasn't shipped, it's been a week!",
    "I'd like to cancel order {o} please, I ordered the wrong size.",
    "Please cancel my order #{o}, I found it cheaper elsewhere.",
    "I need to change the delivery address on order {o}, I'm moving next week.",
    "The jacket from order #{o} doesn't fit. How do I return it?",
    "I want a refund for order {o}, the item arrived damaged.",
    "I returned order #{o} two weeks ago and still have no refund. What's going on?",
    "Can I get a copy of the invoice for order {o}? I need it for my expenses.",
    "I was charged twice for order #{o}. Please fix this.",
    "My card was declined but the money left my account. Order {o}.",
    "I can't log in to my account, the password reset email never arrives.",
    "How do I delete my account and all my data?",
    "Do you ship to Canada, and how long does it take?",
    "What payment methods do you accept? Can I pay with PayPal?",
    "Honestly the worst service ever. Order #{o} arrived broken and nobody answers.",
    "Can I speak to a real person please? This is about order {o}.",
    "The blender from order #{o} started smoking the first time I used it!",
    "If I don't get my money back for order {o} I will file a chargeback.",
    "Love the new mugs, thanks! Just wanted to say the packaging was lovely.",
    "Is the linen shirt coming back in stock in medium?",
    "Hola, ¿dónde está mi pedido {o}? Todavía no ha llegado.",
    "Hallo, ich möchte meine Bestellung {o} stornieren, bitte.",
    "Bonjour, je n'ai pas reçu ma commande {o}, pouvez-vous vérifier ?",
    "I need to update my email address on my account.",
    "How long do refunds take to show up on my card?",
    "Can I add an item to order #{o} before it ships?",
]
FOLLOW_UPS = [
    "Thanks, any update?",
    "It still hasn't arrived.",
    "Great, thank you!",
    "That works, thanks a lot.",
    "Sorry, one more thing: can you also check the shipping address?",
    "OK thank you, have a nice day",
]
AGENT_REPLIES = [
    "Thanks for reaching out! I've checked order #{o}: it's with the carrier and should "
    "arrive within two business days.",
    "Sorry about this! I've looked into order #{o} and sorted it out — you'll get an "
    "email confirmation shortly.",
    "Thanks for letting us know. I've passed this to our billing team, who will get back "
    "to you within one business day.",
]


@dataclass(frozen=True)
class Summary:
    created: bool
    tickets: int
    customers: int
    token: str
    app_token: str = ""
    chat_channel_id: int = 0


def seed(database: Database, *, tickets: int = 300, random_seed: int = 7) -> Summary:
    rng = random.Random(random_seed)
    with database.transaction() as session:
        seeded = session.scalars(select(User).where(User.email == ADMIN_EMAIL)).first()
        if seeded is None:
            _staff(session)
            do_update_workspace(
                session,
                {
                    "name": "Threadbare & Co.",
                    "timezone": "Europe/London",
                    "languages": ["en", "es", "de", "fr"],
                },
                SYSTEM,
            )
    created = seeded is None
    with database.transaction() as session:
        seed_store(session, utcnow())  # the sample shop's orders; a no-op once seeded
    if created:
        _conversations(database, rng, tickets, _channels(database))
    # Every run: a workspace seeded before the live channels existed gets them too.
    chat_channel_id = seed_live_channels(database)
    with database.transaction() as session:
        # After the conversations, so the example rules do not rewrite the demo's history.
        do_seed_defaults(session, SYSTEM)
        do_seed_examples(session, SYSTEM)
        # The migration seeds them; this restores them if every policy was deleted.
        do_seed_sla_policies(session)
        # A dozen articles in three categories: the help centre, search and the bot's
        # answers from articles have something to show (idempotent).
        seed_demo_articles(session)
        seed_demo_guides(session, RUNNABLE)
    with database.transaction() as session:
        admin = session.scalars(select(User).where(User.email == ADMIN_EMAIL)).one()
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == admin.id, ApiToken.name == "demo")
            .values(revoked_at=utcnow())
        )
        # The demo's printed token stays valid for as long as the demo is played with.
        _, token = users.do_create_token(session, admin, SYSTEM, "demo", lifetime=None)
        app_token = _app_token(session)
        count = session.scalar(select(func.count()).select_from(Ticket)) or 0
        customers = session.scalar(select(func.count(func.distinct(Ticket.customer_id)))) or 0
    return Summary(created, count, customers, token, app_token, chat_channel_id)


def _app_token(session: Session) -> str:
    """A fresh integration credential of the sample shop's app (a service user of its own):
    the token whose inbound messages vouch for a customer, so the bot acts on their orders."""
    app = session.scalars(select(User).where(User.email == APP_EMAIL)).first()
    if app is None:
        app = users.do_create_user(session, APP_EMAIL, Role.AGENT, SYSTEM, name="Shop app")
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == app.id, ApiToken.integration == APP_INTEGRATION)
        .values(revoked_at=utcnow())
    )
    _, secret = users.do_create_token(session, app, SYSTEM, integration=APP_INTEGRATION)
    return secret


def _staff(session: Session) -> None:
    for email, name, role, teams in STAFF:
        user = users.do_create_user(session, email, role, SYSTEM, name=name, password=DEMO_PASSWORD)
        for team_name in teams:
            users.do_add_to_team(
                session, user, users.get_or_create_team(session, team_name, SYSTEM), SYSTEM
            )


def _channels(database: Database) -> dict[str, int]:
    """The demo's channel instances (made once): each mailbox for its team, the app's API row."""
    found = {
        key: ensure_support_address(address, SYSTEM, database)
        for key, (address, _) in MAILBOXES.items()
    }
    with database.transaction() as session:
        for key, (_, team) in MAILBOXES.items():
            channel = session.get_one(Channel, found[key])
            do_update_channel(session, channel, {"name": f"{team} mailbox",
                              "team_id": users.get_or_create_team(session, team, SYSTEM).id},
                              SYSTEM)  # fmt: skip
        found[APP] = ensure_api_channel(session, APP_INTEGRATION)
    return found


def _sender(index: int, channel: str) -> Sender:
    name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}"
    handle = name.lower().replace(" ", ".").replace("é", "e").replace("ü", "u").replace("á", "a")
    if channel != APP:
        return Sender(email=f"{handle}@example.com", name=name, verified=True)
    # The shop's app signs its users in, so its word on who they are counts.
    return Sender(
        external_id=f"app-user-{index}", email=f"{handle}@example.com", name=name, verified=True
    )


def _conversations(
    database: Database, rng: random.Random, count: int, channels: dict[str, int]
) -> None:
    customers = 120
    now = utcnow()
    for index in range(count):
        key = rng.choice(CHANNELS)
        person = rng.randrange(customers)
        order = 1000 + rng.randrange(400)
        opener = rng.choice(OPENERS).format(o=order)
        thread = f"demo-{index}"
        ticket_id = _say(database, key, channels[key], person, opener, thread, index, 0)
        if ticket_id is None:
            continue
        age = dt.timedelta(minutes=rng.randrange(30, 30 * 24 * 60))
        outcome = rng.random()
        with database.transaction() as session:
            ticket = session.get_one(Ticket, ticket_id)
            do_place(session, ticket)
            agent = session.scalars(
                select(User).where(User.role == Role.AGENT).offset(rng.randrange(3)).limit(1)
            ).one()
            if outcome > 0.25:
                reply = rng.choice(AGENT_REPLIES).format(o=order)
                message = do_reply(
                    session,
                    ticket,
                    reply,
                    users.actor_of(agent),
                    author=agent,
                    status=Status.SOLVED if outcome > 0.55 else Status.PENDING,
                )
                message.delivery_status = "sent"
            if outcome > 0.9:
                do_reply(
                    session,
                    ticket,
                    "Customer is a repeat buyer; offered 10% off next order.",
                    users.actor_of(agent),
                    author=agent,
                    kind=MessageType.NOTE,
                )
        if 0.25 < outcome <= 0.45:
            follow_up = rng.choice(FOLLOW_UPS)
            _say(database, key, channels[key], person, follow_up, thread, index, 1)
        _backdate(database, ticket_id, now - age)


def _say(
    database: Database,
    key: str,
    channel_id: int,
    person: int,
    text: str,
    thread: str,
    index: int,
    turn: int,
) -> int | None:
    by_app = key == APP
    # As the app's messages arrive on POST /api/v1/inbound/messages: in its own namespace.
    client = f"integration:{APP_INTEGRATION}:"
    message = InboundMessage(
        channel="api" if by_app else "email",
        channel_id=channel_id,
        external_id=f"{client if by_app else ''}demo-{index}-{turn}",
        sender=_sender(person, key),
        text=text,
        subject="" if by_app else text.split("?", maxsplit=1)[0][:60],
        thread_key=f"{client}{thread}" if by_app else None,
    )
    accepted = inbox.accept(message, db=database)
    pipeline.process(accepted.inbox_id, database)  # no-op if a worker was quicker
    return inbox.status_of(accepted.inbox_id, database).ticket_id


def _backdate(database: Database, ticket_id: int, start: dt.datetime) -> None:
    """Move a freshly seeded ticket's history back in time, keeping its internal order."""
    with database.transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        shift = ticket.created_at - start
        ticket.created_at -= shift
        ticket.updated_at -= shift
        for column in ("first_response_at", "last_inbound_at", "solved_at"):
            if getattr(ticket, column) is not None:
                setattr(ticket, column, getattr(ticket, column) - shift)
        # Shifted row by row: SQLite keeps datetimes as text, so SQL interval arithmetic
        # would not be portable.
        for message in session.scalars(select(Message).where(Message.ticket_id == ticket_id)):
            message.created_at -= shift
        for event in session.scalars(select(Event).where(Event.ticket_id == ticket_id)):
            event.created_at -= shift


def banner(summary: Summary, url: str) -> str:
    state = "created" if summary.created else "already seeded"
    return (
        f"\nminidesk demo ({state}): {summary.tickets} tickets from {summary.customers} "
        f"customers\n\n"
        f"  Open            {url}/   (the agent workspace)\n"
        f"  Login           {ADMIN_EMAIL} / {DEMO_PASSWORD}  (other users: see README)\n"
        f"  API docs        {url}/docs   (interactive: click Authorize and sign in)\n"
        f"  Help centre     {url}/help   (public: the knowledge base's articles)\n"
        f"  API token       {summary.token}\n"
        f"  App token       {summary.app_token}  (integration: vouches for customers on "
        f"POST /api/v1/inbound/messages)\n\n"
        f"  Try:  curl -H 'Authorization: Bearer {summary.token}' "
        f"'{url}/api/v1/tickets?status=open'\n"
        + (
            f"\n  Chat widget     {widget_snippet(url, summary.chat_channel_id)}\n"
            f"                  (in a page served at {DEMO_ORIGINS[0]}, the allowed origin:\n"
            f"                  e.g. python -m http.server 8080 in its folder)\n"
            f"  SMS, WhatsApp   placeholder provider credentials: replies there become dead\n"
            f"                  letters (Admin → Dead letters) until real ones are entered\n"
            if summary.chat_channel_id
            else ""
        )
    )
