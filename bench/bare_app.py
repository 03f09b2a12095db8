"""The rush benchmark's floor: bare Flask + peewee, one INSERT per request, nothing else (no
sign-in, no CSRF, no rules). Served by the same gunicorn command as learnclub:

    BENCH_BARE_DATABASE_URL=sqlite:///… gunicorn -w 4 -b 127.0.0.1:8000 bench.bare_app:app

Plain peewee, as its documentation sets it up for a web app: one connection opened per
request and closed after it, no pool; SQLite with WAL, busy_timeout 10 s, synchronous=normal,
the pragmas learnclub sets. It does not import learnclub, so it stays the same floor while
learnclub's database layer changes.
"""
import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from peewee import (
    CharField,
    DatabaseProxy,
    IntegerField,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)
from playhouse.db_url import parse

database = DatabaseProxy()


class BareRow(Model):
    """One submission as the bare app stores it."""

    run = CharField(max_length=40, index=True)
    user_id = IntegerField()
    body = TextField()
    created_at = CharField(max_length=40)

    class Meta:
        database = database
        table_name = "bench_bare_row"


PRAGMAS = {"journal_mode": "wal", "busy_timeout": 10000, "synchronous": "normal",
           "foreign_keys": 1}


def bind(url):
    if url.startswith("sqlite:///"):
        database.initialize(SqliteDatabase(url[len("sqlite:///"):], pragmas=PRAGMAS,
                                           autoconnect=False, timeout=10))
    else:
        kwargs = parse(url)
        database.initialize(PostgresqlDatabase(kwargs.pop("database"), autoconnect=False,
                                               prefer_psycopg3=True, **kwargs))
    return database


def create_app(url):
    app = Flask("bare")
    bind(url)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc):
        if not database.is_closed():
            database.close()

    @app.post("/rows")
    def insert():
        row = BareRow.create(run=request.form.get("run", ""),
                             user_id=int(request.form.get("user", "0")),
                             body=request.form.get("body", ""),
                             created_at=datetime.now(UTC).isoformat())
        return jsonify(id=row.id), 201

    return app


app = create_app(os.environ["BENCH_BARE_DATABASE_URL"]) \
    if "BENCH_BARE_DATABASE_URL" in os.environ else None
