"""channel instances: a channels row per mailbox and API client; channel_id everywhere

Every email channel becomes the channels row of the same id; every integration gets an API
row, and people's personal tokens share one. Inbox rows, messages, tickets, thread keys and
outbox rows are then pointed at the instance they came in on (an email's mailbox from its
meta, an API message's client from ``via``), and inbox deduplication moves from
``(channel, external_id)`` to ``(channel_id, external_id)``.

Revision ID: 0013_channels
Revises: 0012_email_trust
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0013_channels"
down_revision: str | None = "0012_email_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
_channels = sa.table(
    'channels',
    sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('key', sa.String),
    sa.column('name', sa.String), sa.column('settings', sa.JSON), sa.column('enabled', sa.Boolean),
    sa.column('created_at', minidesk.db.UTCDateTime), sa.column('updated_at', minidesk.db.UTCDateTime),
)  # fmt: skip
_inbox = sa.table(
    'inbox', sa.column('id', sa.Integer), sa.column('channel', sa.String),
    sa.column('channel_id', sa.Integer), sa.column('payload', sa.JSON),
    sa.column('status', sa.String),
)  # fmt: skip
_threads = sa.table(
    'ticket_threads', sa.column('id', sa.Integer), sa.column('channel', sa.String),
    sa.column('key', sa.String), sa.column('ticket_id', sa.Integer),
    sa.column('channel_id', sa.Integer),
)  # fmt: skip


class _Instances:
    """Finds (and makes, when missing) the row a kind's old data belongs on."""

    def __init__(self, bind: sa.Connection) -> None:
        self.bind = bind
        self.now = minidesk.db.utcnow()
        rows = bind.execute(sa.select(_channels.c.id, _channels.c.kind, _channels.c.key))
        self.keyed = {(kind, key): id_ for id_, kind, key in rows if key is not None}
        self.mailboxes = set(bind.scalars(sa.text("SELECT id FROM email_channels")))

    def keyed_row(self, kind: str, key: str, name: str, settings: dict[str, Any]) -> int:
        if (kind, key) not in self.keyed:
            self.keyed[kind, key] = self.bind.execute(
                sa.insert(_channels).values(kind=kind, key=key, name=name, settings=settings,
                                            enabled=True, created_at=self.now,
                                            updated_at=self.now).returning(_channels.c.id)
            ).scalar_one()  # fmt: skip
        return self.keyed[kind, key]

    def api(self, client: str | None) -> int:
        if client and client.startswith("integration:"):
            name = client.removeprefix("integration:")
            return self.keyed_row("api", client, f"API: {name}", {"integration": name})
        return self.keyed_row("api", "personal", "API (personal tokens)", {"integration": None})

    def default(self, kind: str) -> int:
        if kind == "email" and self.mailboxes:
            return min(self.mailboxes)
        if kind == "api":
            return self.api(None)
        return self.keyed_row(kind, "default", kind, {})

    def of_payload(self, kind: str, payload: dict[str, Any]) -> int:
        if kind == "email":
            mailbox = ((payload.get("meta") or {}).get("email") or {}).get("channel_id")
            if isinstance(mailbox, int) and mailbox in self.mailboxes:
                return mailbox
            return self.default("email")
        if kind == "api":
            return self.api((payload.get("via") or {}).get("client"))
        return self.default(kind)


def _backfill(bind: sa.Connection) -> None:
    # Mailboxes keep their ids, so the ids in mail already threaded still name them.
    bind.execute(sa.text(
        "INSERT INTO channels (id, kind, name, settings, enabled, created_at, updated_at) "
        "SELECT id, 'email', CASE WHEN name = '' THEN address ELSE name END, '{}', active, "
        "created_at, created_at FROM email_channels"
    ))  # fmt: skip
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('channels', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM channels), false)"
        ))  # fmt: skip
    rows = _Instances(bind)
    for name in bind.scalars(sa.text(
        "SELECT DISTINCT integration FROM api_tokens WHERE integration IS NOT NULL"
    )):  # fmt: skip
        rows.api(f"integration:{name}")
    last = 0
    while batch := bind.execute(
        sa.select(_inbox.c.id, _inbox.c.channel, _inbox.c.payload, _inbox.c.status)
        .where(_inbox.c.id > last).order_by(_inbox.c.id).limit(BATCH)
    ).all():  # fmt: skip
        updates = []
        for id_, kind, payload, status in batch:
            channel_id = rows.of_payload(kind, payload or {})
            update: dict[str, Any] = {"row_id": id_, "channel_id": channel_id}
            # A row still to be processed carries its instance in the payload it is read from.
            update["payload"] = (
                payload if status == "done" else {**payload, "channel_id": channel_id}
            )
            updates.append(update)
        bind.execute(
            _inbox.update().where(_inbox.c.id == sa.bindparam('row_id'))
            .values(channel_id=sa.bindparam('channel_id'), payload=sa.bindparam('payload')),
            updates,
        )  # fmt: skip
        last = batch[-1][0]
    bind.execute(sa.text(
        'UPDATE messages SET channel_id = (SELECT inbox.channel_id FROM inbox '
        'WHERE inbox.id = messages.inbox_id) WHERE inbox_id IS NOT NULL'
    ))  # fmt: skip
    # A ticket is on the instance of its first customer message.
    bind.execute(sa.text(
        'UPDATE tickets SET channel_id = (SELECT m.channel_id FROM messages m '
        'WHERE m.ticket_id = tickets.id AND m.channel_id IS NOT NULL ORDER BY m.id LIMIT 1)'
    ))  # fmt: skip
    for kind in bind.scalars(sa.text(
        'SELECT DISTINCT channel FROM tickets WHERE channel_id IS NULL'
    )).all():  # fmt: skip
        bind.execute(
            sa.text(
                "UPDATE tickets SET channel_id = :id WHERE channel_id IS NULL AND channel = :kind"
            ),
            {"id": rows.default(kind), "kind": kind},
        )
    # Replies and notes go out through their ticket's instance.
    bind.execute(sa.text(
        'UPDATE messages SET channel_id = (SELECT tickets.channel_id FROM tickets '
        'WHERE tickets.id = messages.ticket_id) WHERE channel_id IS NULL'
    ))  # fmt: skip
    bind.execute(sa.text(
        "UPDATE outbox SET channel_id = (SELECT messages.channel_id FROM messages "
        "WHERE messages.id = outbox.message_id) WHERE channel <> 'webhook'"
    ))  # fmt: skip
    # Thread keys are in their API client's namespace ("integration:shop:..."), else the
    # ticket's instance.
    updates = []
    for id_, kind, key, ticket_id in bind.execute(
        sa.select(_threads.c.id, _threads.c.channel, _threads.c.key, _threads.c.ticket_id)
    ):  # fmt: skip
        if kind == "api":
            client = "personal" if key.startswith("user:") else ":".join(key.split(":")[:2])
            channel_id = rows.api(None if client == "personal" else client)
        else:
            channel_id = bind.scalar(sa.text('SELECT channel_id FROM tickets WHERE id = :id'),
                                     {'id': ticket_id})  # fmt: skip
        updates.append({"row_id": id_, "channel_id": channel_id})
    if updates:
        bind.execute(
            _threads.update().where(_threads.c.id == sa.bindparam('row_id'))
            .values(channel_id=sa.bindparam('channel_id')),
            updates,
        )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("business_hours", sa.JSON(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("secrets_encrypted", sa.Text(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_channels_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_channels_kind_key")),
    )
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channels_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_channels_team_id"), ["team_id"], unique=False)

    for table in ("inbox", "tickets", "messages", "ticket_threads", "outbox"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))

    _backfill(op.get_bind())

    with op.batch_alter_table("email_channels", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_email_channels_id_channels"), "channels", ["id"], ["id"]
        )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.alter_column("channel_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_inbox_channel_external_id", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_inbox_channel_id_external_id"), ["channel_id", "external_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_inbox_channel_id_channels"), "channels", ["channel_id"], ["id"]
        )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_channel_id"), ["channel_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_tickets_channel_id_channels"), "channels", ["channel_id"], ["id"]
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_channel_id_channels"), "channels", ["channel_id"], ["id"]
        )
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.alter_column("channel_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_ticket_threads_channel_customer_id_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_ticket_threads_channel_id_customer_id_key"),
            ["channel_id", "customer_id", "key"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_threads_channel_id_channels"), "channels", ["channel_id"], ["id"]
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_channel_id_channels"), "channels", ["channel_id"], ["id"]
        )


def downgrade() -> None:
    # Keys unique per instance may collide per kind: keep each kind's newest.
    op.execute(
        "DELETE FROM ticket_threads WHERE id NOT IN "
        "(SELECT MAX(id) FROM ticket_threads GROUP BY channel, customer_id, key)"
    )
    op.execute(
        "DELETE FROM inbox WHERE id NOT IN (SELECT MAX(id) FROM inbox GROUP BY channel, external_id) "
        "AND id NOT IN (SELECT inbox_id FROM messages WHERE inbox_id IS NOT NULL)"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_channel_id_channels"), type_="foreignkey")
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ticket_threads_channel_id_channels"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_ticket_threads_channel_id_customer_id_key"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_ticket_threads_channel_customer_id_key"),
            ["channel", "customer_id", "key"],
        )
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_messages_channel_id_channels"), type_="foreignkey")
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tickets_channel_id_channels"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_tickets_channel_id"))
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_inbox_channel_id_channels"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_inbox_channel_id_external_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_inbox_channel_external_id"), ["channel", "external_id"]
        )
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("email_channels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_email_channels_id_channels"), type_="foreignkey")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channels_team_id"))
        batch_op.drop_index(batch_op.f("ix_channels_kind"))
    op.drop_table("channels")
