"""The SQLite indexes: FTS5 tables kept up to date by triggers, so every write path (the
pipeline, the API, bulk Core inserts, a rolled-back transaction) moves the index with it.

One FTS5 row per ticket (rowid = ticket id): its subject, its customer-visible messages and
its internal notes in three columns, so a reader who may not see notes searches without them;
for a ticket in a language Porter does not stem, ``stems`` and ``note_stems`` hold the same
words stemmed by Snowball in its language (``search_stem``, see ``search.stemming``).
One row per customer: the name, and every identity (a phone also by its last digits).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TOKENIZE = "porter unicode61 remove_diacritics 2"
# Prefix indexes for prefixes of 3 to 8 letters (``refun*``): FTS5 answers any other prefix by
# merging the whole list of every word it starts into one, whatever the window (45 ms of CPU
# for "refun*" at a million tickets), and a prefix of one of these lengths by reading one list
# newest first (0.2 ms). Each length costs about as much index again as the words' own share
# (200,000 tickets: 93 MB → 175 MB, building 2.0 → 5.7 s of CPU); FTS5 uses a prefix index
# only for a prefix of exactly its length, and shorter or longer ones are rarer and narrower.
PREFIX_LENGTHS = "3 4 5 6 7 8"
# A phone is also indexed by its last 7 to 10 digits: how people type a national number
# ("612345678" for +34612345678), which a prefix of the whole number would not find.
TAILS = (10, 9, 8, 7)
PHONE_TAILS_SQLITE = " || ".join(f"' ' || substr(i.value, -{n})" for n in TAILS)


def _messages(ticket: str, notes: bool) -> str:
    which = "=" if notes else "<>"
    return (
        "coalesce((SELECT group_concat(m.text, ' ') FROM messages m "
        f"WHERE m.ticket_id = {ticket} AND m.direction {which} 'note'), '')"
    )


def _identities(customer: str) -> str:
    return (
        "coalesce((SELECT group_concat(i.value || CASE WHEN i.kind = 'phone' "
        f"THEN {PHONE_TAILS_SQLITE} ELSE '' END, ' ') FROM customer_identities i "
        f"WHERE i.customer_id = {customer}), '')"
    )


def _customer_row(customer: str) -> str:
    return (
        f"coalesce(c.email, '') || ' ' || coalesce(c.phone, '') || ' ' || {_identities(customer)}"
    )


def _language(ticket: str) -> str:
    return f"(SELECT language FROM tickets WHERE id = {ticket})"


def _refresh_ticket(ticket: str) -> str:
    subject = f"coalesce((SELECT subject FROM tickets WHERE id = {ticket}), '')"
    body, notes, language = _messages(ticket, False), _messages(ticket, True), _language(ticket)
    return (
        f"UPDATE search_tickets SET body = {body}, notes = {notes}, "
        f"stems = search_stem({subject} || ' ' || {body}, {language}), "
        f"note_stems = search_stem({notes}, {language}) WHERE rowid = {ticket};"
    )


def _refresh_customer(customer: str) -> str:
    return (
        f"UPDATE search_customers SET identities = (SELECT {_customer_row(customer)} "
        f"FROM customers c WHERE c.id = {customer}) WHERE rowid = {customer};"
    )


STATEMENTS: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE search_tickets USING fts5("
    f"subject, body, notes, stems, note_stems, tokenize='{TOKENIZE}', prefix='{PREFIX_LENGTHS}')",
    f"CREATE VIRTUAL TABLE search_customers USING fts5(name, identities, tokenize='{TOKENIZE}')",
    """CREATE TRIGGER search_tickets_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO search_tickets(rowid, subject, body, notes, stems, note_stems)
        VALUES (new.id, new.subject, '', '', search_stem(new.subject, new.language), '');
    END""",
    """CREATE TRIGGER search_tickets_subject AFTER UPDATE OF subject, language ON tickets BEGIN
        UPDATE search_tickets SET subject = new.subject,
            stems = search_stem(new.subject || ' ' || body, new.language),
            note_stems = search_stem(notes, new.language)
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER search_tickets_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM search_tickets WHERE rowid = old.id;
    END""",
    # A new message is appended (the common write, kept cheap); an edit or a deletion
    # rebuilds the ticket's text from its messages.
    f"""CREATE TRIGGER search_messages_insert AFTER INSERT ON messages
    WHEN new.direction <> 'note' BEGIN
        UPDATE search_tickets SET body = body || ' ' || new.text,
            stems = stems || ' ' || search_stem(new.text, {_language("new.ticket_id")})
        WHERE rowid = new.ticket_id;
    END""",
    f"""CREATE TRIGGER search_notes_insert AFTER INSERT ON messages
    WHEN new.direction = 'note' BEGIN
        UPDATE search_tickets SET notes = notes || ' ' || new.text,
            note_stems = note_stems || ' ' || search_stem(new.text, {_language("new.ticket_id")})
        WHERE rowid = new.ticket_id;
    END""",
    f"""CREATE TRIGGER search_messages_update AFTER UPDATE OF text, direction, ticket_id
    ON messages BEGIN
        {_refresh_ticket("old.ticket_id")}
        {_refresh_ticket("new.ticket_id")}
    END""",
    f"""CREATE TRIGGER search_messages_delete AFTER DELETE ON messages BEGIN
        {_refresh_ticket("old.ticket_id")}
    END""",
    """CREATE TRIGGER search_customers_insert AFTER INSERT ON customers BEGIN
        INSERT INTO search_customers(rowid, name, identities) VALUES (new.id, new.name,
            coalesce(new.email, '') || ' ' || coalesce(new.phone, ''));
    END""",
    f"""CREATE TRIGGER search_customers_update AFTER UPDATE OF name, email, phone
    ON customers BEGIN
        UPDATE search_customers SET name = new.name WHERE rowid = new.id;
        {_refresh_customer("new.id")}
    END""",
    """CREATE TRIGGER search_customers_delete AFTER DELETE ON customers BEGIN
        DELETE FROM search_customers WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER search_identities_insert AFTER INSERT ON customer_identities BEGIN
        {_refresh_customer("new.customer_id")}
    END""",
    f"""CREATE TRIGGER search_identities_update AFTER UPDATE ON customer_identities BEGIN
        {_refresh_customer("old.customer_id")}
        {_refresh_customer("new.customer_id")}
    END""",
    f"""CREATE TRIGGER search_identities_delete AFTER DELETE ON customer_identities BEGIN
        {_refresh_customer("old.customer_id")}
    END""",
)

BACKFILL: tuple[str, ...] = (
    f"""INSERT INTO search_tickets(rowid, subject, body, notes, stems, note_stems)
    SELECT id, subject, body, notes, search_stem(subject || ' ' || body, language),
        search_stem(notes, language)
    FROM (SELECT t.id, t.subject, t.language, {_messages("t.id", False)} AS body,
                 {_messages("t.id", True)} AS notes FROM tickets t)""",
    f"""INSERT INTO search_customers(rowid, name, identities)
    SELECT c.id, c.name, {_customer_row("c.id")} FROM customers c""",
)

TRIGGERS = (
    "search_tickets_insert",
    "search_tickets_subject",
    "search_tickets_delete",
    "search_messages_insert",
    "search_notes_insert",
    "search_messages_update",
    "search_messages_delete",
    "search_customers_insert",
    "search_customers_update",
    "search_customers_delete",
    "search_identities_insert",
    "search_identities_update",
    "search_identities_delete",
)


def create(connection: Connection) -> None:
    for statement in (*STATEMENTS, *BACKFILL):
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    for trigger in TRIGGERS:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    for table in ("search_tickets", "search_customers"):
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
