"""The database handle, shared by models, domain code, web, jobs and CLI.

peewee as its docs advise: a DatabaseProxy bound at app creation, no autoconnect, a
connection per request taken from the process's pool (and given back at its end),
`connection()` in jobs and commands. Writes that read first take the write lock up front
(`write_transaction`); jobs retry a block the database was too busy for (`retry_locked`).
"""
import contextlib
import functools
import itertools
import logging
import os
import random
import threading
import time
import weakref
from urllib.parse import urlparse

import peewee
from peewee import DatabaseProxy, Model, OperationalError, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}

#: connections one process keeps: web worker threads, scheduler jobs, test threads
POOL_SIZE = 32
#: a pooled connection older than this is closed when it comes back (seconds)
POOL_STALE = 300
#: how long to wait for a free connection when all POOL_SIZE are taken (seconds)
POOL_WAIT = 30
#: waits (seconds) between tries of a block the database was too busy for: about a minute
LOCKED_BACKOFF = (0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8, 15, 30)

log = logging.getLogger("learnclub.db")
_pools = weakref.WeakSet()
#: what to do when PostgreSQL is asked for and its driver (psycopg 3) is not installed
INSTALL_POSTGRES = ("a PostgreSQL database URL needs psycopg, which is not installed: "
                    "install learnclub[postgres] (pip install 'learnclub[postgres]')")


class DriverMissing(RuntimeError):
    """The database URL names a backend whose driver is not installed; the message says how
    to install it."""


def postgres_driver():
    """The psycopg (3) module, the one PostgreSQL driver learnclub uses; `DriverMissing`
    when the `postgres` extra is not installed (psycopg2, if present, is not used)."""
    if peewee.psycopg is None:  # what peewee found at import: None when psycopg is missing
        raise DriverMissing(INSTALL_POSTGRES)
    return peewee.psycopg


class _FetchedCursor:
    """A SELECT's rows, read in full at once. A half-read SQLite cursor keeps its snapshot
    open, and a write on the same connection after another process has written then fails
    at once with "database is locked" (no busy wait helps): `for c in Cohort.select(): write`."""

    def __init__(self, cursor):
        self._rows = iter(cursor.fetchall())
        self.description, self.rowcount = cursor.description, cursor.rowcount
        self.lastrowid = cursor.lastrowid
        cursor.close()

    def fetchone(self):
        return next(self._rows, None)

    def fetchmany(self, size=1):
        return list(itertools.islice(self._rows, size))

    def fetchall(self):
        return list(self._rows)

    def __iter__(self):
        return self._rows

    def close(self):
        self._rows = iter(())


class _SqliteDatabase(PooledSqliteDatabase):
    """Pooled SQLite (kept open: the WAL is not checkpointed per request) whose reads are
    fetched in full, so no open read snapshot stands in the way of a later write."""

    def _execute_cursor(self, sql, params, **options):
        cursor = super()._execute_cursor(sql, params, **options)
        return cursor if cursor.description is None else _FetchedCursor(cursor)


class _PostgresqlDatabase(PooledPostgresqlDatabase):
    """Pooled PostgreSQL through psycopg 3, whose connections are marked as a pool's."""

    def _connect(self):
        conn = super()._connect()
        # psycopg's own mark of a pooled connection (psycopg_pool sets it too): one dropped
        # with its pool (a test rebinding, a forked child that must not close its parent's)
        # is then not reported as a leak; closing and using it are unchanged
        conn._pool = None
        return conn


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def make_database(url: str):
    """Build a peewee database from a URL: sqlite:///path or postgresql://user@host/name
    (through psycopg 3, the `postgres` extra; `DriverMissing` without it)."""
    scheme = urlparse(url).scheme
    pool = {"max_connections": POOL_SIZE, "stale_timeout": POOL_STALE, "timeout": POOL_WAIT}
    if scheme == "sqlite":  # the busy wait is the busy_timeout pragma, set on every connection
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ":memory:"
        database = _SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=False,
                                   check_same_thread=False, **pool)
    elif scheme in ("postgres", "postgresql"):
        postgres_driver()
        kwargs = parse(url)
        database = _PostgresqlDatabase(kwargs.pop("database"), autoconnect=False,
                                       prefer_psycopg3=True, **kwargs, **pool)
    else:
        raise ValueError(f"Unsupported database URL scheme {scheme!r}: "
                         "use sqlite:/// or postgresql://")
    _pools.add(database)
    return database


def _forget_pools_after_fork():
    """In a forked child, drop (never use, never close) the parent's pooled connections: a
    connection must not be shared across processes. Locks held by parent threads are new."""
    for database in list(_pools):
        database._lock = threading.Lock()
        database._pool_lock = threading.RLock()
        database._pool_available = threading.Condition(database._pool_lock)
        database._connections, database._in_use = [], {}
        database._state.reset()


os.register_at_fork(after_in_child=_forget_pools_after_fork)


def bind(url: str):
    """Point the shared proxy at the database the URL names; returns the database. The
    previous database's idle pooled connections are closed, and so is the one this thread
    held (through the proxy it is out of reach from now on)."""
    previous = db.obj
    database = make_database(url)
    db.initialize(database)
    if previous is not None and hasattr(previous, "close_idle"):
        if not previous.is_closed() and not previous.in_transaction():
            previous.close()  # back to its pool, then closed with the idle ones
        previous.close_idle()
    return database


def close_pool(database=None):
    """Close every pooled connection (before a database file is copied or a database is
    dropped): the one this thread holds, the idle ones and those other threads hold."""
    (database or db.obj).close_all()


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def init_app(app):
    """Bind the proxy and open/close one connection per request."""
    from flask import g, request  # only the web needs flask; models and domain import this too

    bind(app.config["DATABASE_URL"])

    @app.before_request
    def _connect():
        # a connection opened outside the request (a test, a CLI command) is left to its owner
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "opens_own_connection", False):
            return
        g.db_opened_by_request = db.is_closed()
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if g.get("db_opened_by_request") and not db.is_closed():
            db.close()


def write_transaction():
    """A transaction that takes the write lock up front (SQLite), for read-then-write rules."""
    return db.atomic("IMMEDIATE") if is_sqlite() else db.atomic()


def is_locked(exc) -> bool:
    """True for the errors that go away if the whole transaction is tried again: SQLite's
    lock, PostgreSQL's deadlock and serialization failures."""
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(
        word in text for word in ("locked", "busy", "deadlock detected", "could not serialize"))


def retry_locked(fn, *, waits=LOCKED_BACKOFF):
    """`fn` run again (after a growing, jittered wait) while the database is too busy for it.

    The retry is at the transaction boundary: a call made inside a transaction is not
    retried (its outer transaction is what must run again)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        for attempt, wait in enumerate((*waits, None), 1):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                if wait is None or not is_locked(exc) or db.in_transaction():
                    raise
                log.warning("%s: %s; try %d again in %.2fs", getattr(fn, "__name__", fn), exc,
                            attempt + 1, wait)
                time.sleep(wait * (0.5 + random.random()))
    return run


def lock_row(query):
    """SELECT … FOR UPDATE where the database has row locks (inside `write_transaction`)."""
    return query if is_sqlite() else query.for_update()


@contextlib.contextmanager
def connection():
    """A connection for a job or command: opened if none is, closed only if opened here."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield db
    finally:
        if opened and not db.is_closed():
            db.close()
