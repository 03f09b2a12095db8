"""Search (搜索) over archive transcripts, cases and homework, in Chinese and English.

Written by hand: no model changes, so template(diff_models(...)) has nothing to generate.

SQLite: one FTS5 table per searched table, trigram tokenizer (SQLite >= 3.34), rowid = the
base row's id, kept current by triggers on the base table (INSERT, UPDATE of the searched
columns, DELETE; cascaded deletes fire them too). Existing rows are copied in.
PostgreSQL: pg_trgm GIN indexes on the searched columns, so ILIKE '%…%' uses an index; if
the extension cannot be created (no privilege), nothing is created and search scans.
The extension is left in place on down(): other things may use it.
"""
from peewee import SqliteDatabase

#: FTS table -> (base table, [(FTS column, base column)])
SEARCHED = {
    "talk_search": ("talk", [("title", "topic"), ("body", "transcript_md")]),
    "case_search": ("case_study", [("title", "title"), ("body", "body_md")]),
    "submission_search": ("submission", [("body", "body_md")]),
}


def _sqlite_up(db):
    for fts, (base, columns) in SEARCHED.items():
        names = ", ".join(c for c, _ in columns)
        new = ", ".join(f"new.{b}" for _, b in columns)
        db.execute_sql(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, tokenize='trigram')")
        db.execute_sql(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {base} BEGIN "
            f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END")
        sets = ", ".join(f"{c} = new.{b}" for c, b in columns)
        of = ", ".join(b for _, b in columns)
        db.execute_sql(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {of} ON {base} BEGIN "
            f"UPDATE {fts} SET {sets} WHERE rowid = old.id; END")
        db.execute_sql(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {base} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END")
        db.execute_sql(f"INSERT INTO {fts} (rowid, {names}) "
                       f"SELECT id, {of} FROM {base}")


def _postgres_up(db):
    try:
        with db.atomic():  # a savepoint: a refused CREATE EXTENSION must not end the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no privilege or not installed: search falls back to scans
        return
    for _fts, (base, columns) in SEARCHED.items():
        for _, column in columns:
            db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{base}_{column}_trgm" '
                           f'ON "{base}" USING gin ("{column}" gin_trgm_ops)')


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    for fts, (base, columns) in SEARCHED.items():
        if isinstance(db, SqliteDatabase):
            for suffix in ("ai", "au", "ad"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            db.execute_sql(f"DROP TABLE IF EXISTS {fts}")
        else:
            for _, column in columns:
                db.execute_sql(f'DROP INDEX IF EXISTS "{base}_{column}_trgm"')
