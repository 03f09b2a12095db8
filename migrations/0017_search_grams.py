"""Search by character n-grams (learnclub/domain/search/grams.py), so one- and two-character
terms are index lookups too; replaces 0007's trigram search.

Written by hand: the index lives outside the models, as 0007's did.

SQLite: 0007's FTS5 trigram tables and their triggers are dropped. One FTS5 table per kind,
`<kind>_grams (grams)` with the ascii tokenizer and detail=none (rowid = the row's id), holds
each row's grams, written in Python by `grams.refresh()`; triggers on the searched tables
note changed rows in `search_dirty` (INSERT, UPDATE of the searched columns) and remove a
deleted row's grams at once (cascaded deletes fire them too). Existing rows are indexed here.
PostgreSQL: 0007's pg_trgm indexes are dropped; `lc_grams(text)` (every character, pair and
triple, lowercased) and `lc_term_grams(term)` (what a term needs) are SQL functions, and each
searched table gets a GIN index on `lc_grams(<its searched text>)`.
down() puts 0007's search back.
"""
import importlib.util
from pathlib import Path

from peewee import SqliteDatabase

from learnclub.domain.search.grams import KINDS, refresh, text_sql


LC_GRAMS = """
CREATE OR REPLACE FUNCTION lc_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(g), '{}') FROM  -- GIN keeps each gram once
    (SELECT c, cardinality(c) AS n FROM string_to_array(lower(t), NULL) AS chars(c)) AS s,
    LATERAL (SELECT unnest(c)
             UNION ALL SELECT x || y FROM unnest(c[1:n - 1], c[2:n]) AS pairs(x, y)
             UNION ALL SELECT x || y || z
                       FROM unnest(c[1:n - 2], c[2:n - 1], c[3:n]) AS triples(x, y, z)
            ) AS grams(g)
$$"""
LC_TERM_GRAMS = """
CREATE OR REPLACE FUNCTION lc_term_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(s, i, least(3, char_length(s)))), '{}')
  FROM (SELECT lower(t) AS s) AS term,
       generate_series(1, greatest(1, char_length(s) - 2)) AS i
$$"""


def _search_0007():
    path = Path(__file__).with_name("0007_search.py")
    spec = importlib.util.spec_from_file_location("search_0007", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_up(db):
    for fts in _search_0007().SEARCHED:
        for suffix in ("ai", "au", "ad"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        db.execute_sql(f"DROP TABLE IF EXISTS {fts}")
    db.execute_sql("CREATE TABLE search_dirty (kind TEXT NOT NULL, row_id INTEGER NOT NULL, "
                   "PRIMARY KEY (kind, row_id)) WITHOUT ROWID")
    for kind, (table, columns, _text) in KINDS.items():
        db.execute_sql(f"CREATE VIRTUAL TABLE {kind}_grams USING fts5(grams, "
                       "tokenize='ascii', detail='none')")
        note = (f"INSERT OR IGNORE INTO search_dirty (kind, row_id) VALUES ('{kind}', new.id)")
        db.execute_sql(f"CREATE TRIGGER {kind}_grams_ai AFTER INSERT ON {table} "
                       f"BEGIN {note}; END")
        db.execute_sql(f"CREATE TRIGGER {kind}_grams_au AFTER UPDATE OF {', '.join(columns)} "
                       f"ON {table} BEGIN {note}; END")
        db.execute_sql(f"CREATE TRIGGER {kind}_grams_ad AFTER DELETE ON {table} BEGIN "
                       f"DELETE FROM {kind}_grams WHERE rowid = old.id; "
                       f"DELETE FROM search_dirty WHERE kind = '{kind}' AND row_id = old.id; END")
        db.execute_sql(f"INSERT INTO search_dirty (kind, row_id) SELECT '{kind}', id FROM {table}")
    refresh(db)


def _postgres_up(db):
    for _fts, (base, columns) in _search_0007().SEARCHED.items():
        for _, column in columns:
            db.execute_sql(f'DROP INDEX IF EXISTS "{base}_{column}_trgm"')
    db.execute_sql(LC_GRAMS)
    db.execute_sql(LC_TERM_GRAMS)
    for kind, (table, _columns, _text) in KINDS.items():
        db.execute_sql(f'CREATE INDEX "{table}_grams" ON "{table}" '
                       f"USING gin (lc_grams({text_sql(kind)}))")


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    search_0007 = _search_0007()
    if isinstance(db, SqliteDatabase):
        for kind in KINDS:
            for suffix in ("ai", "au", "ad"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {kind}_grams_{suffix}")
            db.execute_sql(f"DROP TABLE IF EXISTS {kind}_grams")
        db.execute_sql("DROP TABLE IF EXISTS search_dirty")
        search_0007._sqlite_up(db)
    else:
        for table, _columns, _text in KINDS.values():
            db.execute_sql(f'DROP INDEX IF EXISTS "{table}_grams"')
        db.execute_sql("DROP FUNCTION IF EXISTS lc_grams(text)")
        db.execute_sql("DROP FUNCTION IF EXISTS lc_term_grams(text)")
        search_0007._postgres_up(db)
