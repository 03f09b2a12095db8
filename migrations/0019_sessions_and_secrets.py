"""Sessions and secrets (issue "Hold under abuse and faults", points 5 and 7).

- `login_session.last_seen_at` and `.remember`: a session idle too long ends on the server
  (domain/accounts/credentials.py). Sessions made before this migration count as remembered
  (nobody knows whether the box was ticked) and idle since they were made.
- `calendar_token.token` holds the sha256 of the secret instead of the secret itself: every
  existing token is hashed in place, so the feed links people already subscribed to keep
  working (the link carries the secret, the table its hash).

Written by hand: plain ALTER TABLE ADD COLUMN on both backends (no table rebuild on SQLite).
"""
import hashlib

from peewee import SqliteDatabase

BATCH = 500
COLUMNS = {
    "sqlite": ("DATETIME", "INTEGER NOT NULL DEFAULT 0", "1"),
    "postgres": ("TIMESTAMP", "BOOLEAN NOT NULL DEFAULT false", "true"),
}


def _kind(db):
    return "sqlite" if isinstance(db, SqliteDatabase) else "postgres"


def _digest(secret):
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _hash_calendar_tokens(db, convert):
    """Replace each stored token by convert(token), in batches by id."""
    last = 0
    while True:
        rows = db.execute_sql(f"SELECT id, token FROM calendar_token WHERE id > {db.param} "
                              f"ORDER BY id LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            return
        for row_id, token in rows:
            db.execute_sql(f"UPDATE calendar_token SET token = {db.param} WHERE id = {db.param}",
                           (convert(token), row_id))
        last = rows[-1][0]


def up(migrator, db):
    seen_type, remember_type, true = COLUMNS[_kind(db)]
    db.execute_sql(f"ALTER TABLE login_session ADD COLUMN last_seen_at {seen_type}")
    db.execute_sql(f"ALTER TABLE login_session ADD COLUMN remember {remember_type}")
    db.execute_sql(f"UPDATE login_session SET remember = {true}")
    _hash_calendar_tokens(db, _digest)


def down(migrator, db):
    # a hash cannot be turned back into its secret: the private calendar links end
    db.execute_sql("UPDATE calendar_token SET revoked_at = created_at WHERE revoked_at IS NULL")
    for column in ("remember", "last_seen_at"):
        db.execute_sql(f"ALTER TABLE login_session DROP COLUMN {column}")
