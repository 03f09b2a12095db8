"""The database schema over time: peewee's migration runner on `migrations/`.

One upgrade at a time: `upgrade()` holds the schema lock while it decides what is pending
and applies it, so two `learnclub db upgrade` started together (two boxes deploying at once)
run one after the other, the second finding nothing left to do. On PostgreSQL the lock is a
session advisory lock; on SQLite an exclusive lock on the file `<database file>.upgrade-lock`
beside the database (not `BEGIN IMMEDIATE`: the SQLite migrator turns foreign keys off around
a table rebuild, which only works outside a transaction). Both end with their process.
"""
import contextlib
import fcntl
from pathlib import Path

from playhouse.migrations import Runner

from learnclub.db import db, is_sqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: the PostgreSQL advisory lock key held while migrating ("lcmigrat" read as a number)
UPGRADE_LOCK_KEY = int.from_bytes(b"lcmigrat", "big")


def runner(directory=MIGRATIONS_DIR):
    return Runner(db.obj, str(directory))


def upgrade(*, on_wait=None):
    """Apply every pending migration, under the schema lock; returns their names. Calls
    `on_wait()` first if another upgrade holds the lock (then waits for it)."""
    with upgrade_lock(on_wait=on_wait):
        return runner().up()


@contextlib.contextmanager
def upgrade_lock(*, on_wait=None):
    """Hold the schema lock of the bound database (see above) for the block."""
    if not is_sqlite():
        yield from _postgres_lock(on_wait)
        return
    path = db.obj.database
    if path in ("", ":memory:"):  # a database no other process can see
        yield
        return
    with open(f"{path}.upgrade-lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _postgres_lock(on_wait):
    key = (UPGRADE_LOCK_KEY,)
    if not db.execute_sql("SELECT pg_try_advisory_lock(%s)", key).fetchone()[0]:
        if on_wait:
            on_wait()
        db.execute_sql("SELECT pg_advisory_lock(%s)", key)
    try:
        yield
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", key)


def status():
    """(name, applied-at or None) for every migration, in order."""
    return [(m.name, m.applied) for m in runner().status()]


def pending():
    return [name for name, applied in status() if applied is None]
