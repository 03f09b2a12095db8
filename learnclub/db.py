"""The database handle, shared by models, domain code, web, jobs and CLI.

peewee as its docs advise: a DatabaseProxy bound at app creation, no autoconnect, one
connection per request, `connection_context()` in jobs and commands.
"""
import contextlib
from urllib.parse import urlparse

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def make_database(url: str):
    """Build a peewee database from a URL: sqlite:///path or postgresql://user@host/name."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ":memory:"
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=False,
                              check_same_thread=False, timeout=10)
    if scheme in ("postgres", "postgresql"):
        kwargs = parse(url)
        return PostgresqlDatabase(kwargs.pop("database"), autoconnect=False, **kwargs)
    raise ValueError(f"Unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def bind(url: str):
    """Point the shared proxy at the database the URL names; returns the database."""
    database = make_database(url)
    db.initialize(database)
    return database


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
