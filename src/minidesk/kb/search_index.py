"""The articles' full-text index, built like the tickets' (``minidesk.search.ddl``) and kept in
step by triggers in the transaction of every write, so ``search.engine`` searches it with the
same query language, ranking and stemming.

- SQLite: FTS5 table ``search_articles(title, tags, body, stems)`` (rowid = article id), Porter
  for English; an article in another language also has its words stemmed by Snowball in its
  locale into ``stems`` (``search_stem``, registered on every connection).
- PostgreSQL: ``search_articles(article_id, document)`` with a GIN index; the document is the
  title (weight A), the tags (B) and the body (C), folded and stemmed in the configuration of
  the article's locale (``search_regconfig``; ``simple`` for a language without one).
  ``search_article_configs`` lists the configurations articles have, so a query is parsed in
  those only (``search.tsquery``): two for a desk in one language, where parsing in every
  configuration PostgreSQL ships made a dozen alternatives for every word.

The ``search_`` prefix keeps the tables out of the models' schema comparison. The SQL functions
``search_fold``, ``search_regconfig`` and ``search_stem`` come with the tickets' index.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from minidesk.search.ddl_postgres import MAX_TEXT
from minidesk.search.ddl_sqlite import TOKENIZE

TABLE = "search_articles"

_SQLITE_TAGS = "coalesce((SELECT group_concat(value, ' ') FROM json_each({row}.tags)), '')"


def _sqlite_values(row: str) -> str:
    tags = _SQLITE_TAGS.format(row=row)
    return (
        f"{row}.id, {row}.title, {tags}, {row}.body, "
        f"search_stem({row}.title || ' ' || {tags} || ' ' || {row}.body, {row}.locale)"
    )


SQLITE: tuple[str, ...] = (
    # A prefix index for three letters: search as you type asks for "ref*" on every keystroke.
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, tags, body, stems, "
    f"tokenize='{TOKENIZE}', prefix='3')",
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON kb_articles BEGIN
        INSERT INTO {TABLE}(rowid, title, tags, body, stems) VALUES ({_sqlite_values("new")});
    END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, tags, body, locale
    ON kb_articles BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, title, tags, body, stems) VALUES ({_sqlite_values("new")});
    END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON kb_articles BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    f"INSERT INTO {TABLE}(rowid, title, tags, body, stems) "
    f"SELECT {_sqlite_values('a')} FROM kb_articles a",
)
SQLITE_DROPS = (
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def _weighted(value: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector(search_regconfig(a.locale), "
        f"search_fold(left({value}, {MAX_TEXT}))), '{weight}')"
    )


_PG_TAGS = "(SELECT string_agg(t, ' ') FROM json_array_elements_text(a.tags) AS t)"
POSTGRES: tuple[str, ...] = (
    f"""CREATE TABLE {TABLE} (
        article_id integer PRIMARY KEY REFERENCES kb_articles(id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )""",
    # Rows are only added: a language no article has any more costs a lookup, never a miss.
    "CREATE TABLE search_article_configs (config text PRIMARY KEY)",
    f"""CREATE FUNCTION search_article_document(wanted integer) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT {_weighted("a.title", "A")} || {_weighted(_PG_TAGS, "B")}
            || {_weighted("a.body", "C")}
        FROM kb_articles a WHERE a.id = wanted
    $$""",
    f"""CREATE FUNCTION search_articles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_article_configs (config)
        VALUES (search_regconfig(NEW.locale)::text) ON CONFLICT DO NOTHING;
        INSERT INTO {TABLE} (article_id, document)
        VALUES (NEW.id, search_article_document(NEW.id))
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {TABLE}_changed
    AFTER INSERT OR UPDATE OF title, tags, body, locale ON kb_articles
    FOR EACH ROW EXECUTE FUNCTION search_articles_changed()""",
    "INSERT INTO search_article_configs (config) "
    "SELECT DISTINCT search_regconfig(locale)::text FROM kb_articles",
    f"INSERT INTO {TABLE} (article_id, document) "
    "SELECT id, search_article_document(id) FROM kb_articles",
    # After the backfill (one sorted build); no pending list for every search to scan.
    f"CREATE INDEX ix_{TABLE}_document ON {TABLE} USING gin (document) WITH (fastupdate = off)",
)
POSTGRES_DROPS = (
    f"DROP TRIGGER IF EXISTS {TABLE}_changed ON kb_articles",
    "DROP FUNCTION IF EXISTS search_articles_changed()",
    "DROP FUNCTION IF EXISTS search_article_document(integer)",
    f"DROP TABLE IF EXISTS {TABLE}",
    "DROP TABLE IF EXISTS search_article_configs",
)


def create(connection: Connection) -> None:
    """The index and its triggers, filled from the articles already there."""
    postgres = connection.dialect.name == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    for statement in POSTGRES_DROPS if postgres else SQLITE_DROPS:
        connection.execute(text(statement))
