"""Full-text search: one small query language, compiled to SQLite FTS5 and PostgreSQL tsquery.

``query`` parses what a person types; ``fts5`` and ``tsquery`` compile it for each database,
so user input never reaches MATCH or ``to_tsquery`` as syntax; ``ddl`` creates the indexes
(kept up to date by triggers, in the transaction of the write); ``tickets`` and ``customers``
search them. Another table (knowledge-base articles) reuses the parser and both compilers.
"""
