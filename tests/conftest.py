"""Fixtures: a real database per test (SQLite always, PostgreSQL when
LEARNCLUB_TEST_POSTGRES_URL is set), the app, its test client and CLI runner, login_as."""
import os
import re
import shutil
import uuid
import zlib

import pytest
from peewee import IntegrityError, sort_models

from learnclub import create_app, schema
from learnclub.config import TestConfig
from learnclub.db import bind, close_pool, db
from learnclub.models import ALL
from tests.chat_receiver import receiver  # noqa: F401 - a fixture: a robot endpoint on loopback
from tests.factories import PASSWORD
from tests.timeline import Clock

POSTGRES_URL = os.environ.get("LEARNCLUB_TEST_POSTGRES_URL", "")
PART = os.environ.get("LEARNCLUB_TEST_PART", "")  #: "k/n": the k-th of n parts of the files
BACKENDS = ["sqlite", "postgres"]


def pytest_report_header(config):
    lines = ["learnclub backends: sqlite" + (", postgres" if POSTGRES_URL else
             " (postgres SKIPPED: set LEARNCLUB_TEST_POSTGRES_URL to run it)")]
    if PART:
        lines.append(f"learnclub part {PART}: the test files of this part only (make test-any-day)")
    if not shutil.which("chromium"):
        lines.append("learnclub browser tests: SKIPPED (no /usr/bin/chromium)")
    return lines


def pytest_collection_modifyitems(config, items):
    """With LEARNCLUB_TEST_PART=k/n, keep the test files whose name falls in part k of n (a
    stable split by a hash of the path): `make test-any-day` runs each part at another
    shifted clock, so every test runs once with the clock moved."""
    if not PART:
        return
    k, n = (int(x) for x in PART.split("/"))
    kept, left = [], []
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        (kept if zlib.crc32(path.encode()) % n == k - 1 else left).append(item)
    config.hook.pytest_deselected(items=left)
    items[:] = kept


@pytest.fixture(autouse=True)
def clock():
    """Every test starts at timeline.START, whatever the day it runs; see tests/timeline.py."""
    handle = Clock()
    yield handle
    handle.release()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = bind(f"sqlite:///{path}")
    with database.connection_context():
        schema.upgrade()
    close_pool(database)  # the pooled connection too: its WAL goes into the file copied
    return path


def _worker_db_name():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"learnclub_test_{re.sub(r'[^a-z0-9]', '', worker)}_{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
def postgres_database():
    """A database of this test run's own on the PostgreSQL server, migrated, dropped at the end."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set LEARNCLUB_TEST_POSTGRES_URL")
    import psycopg
    name = _worker_db_name()
    admin = psycopg.connect(POSTGRES_URL, autocommit=True)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    database = bind(url)
    with database.connection_context():
        schema.upgrade()
    yield url
    close_pool()  # every pooled connection of the run, not only this thread's
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """The URL of an empty, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "learnclub.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    database = bind(url)
    with database.connection_context():
        _empty_what_was_touched(database)
    return url


_DELETE_ORDER = list(reversed(sort_models(ALL)))  #: referencing tables before those they name


def _empty_what_was_touched(database):
    """Empty the tables an earlier test left rows in and restart the id sequences it moved.
    DELETE in foreign-key order: a test touches a handful of the ~50 tables, and a TRUNCATE,
    which must take every referencing table with it, costs ~250 ms a test against a few ms.
    Anything unexpected (a sequence of no known table, a cycle) falls back to TRUNCATE."""
    names = {m._meta.table_name for m in ALL}
    with_rows = " UNION ALL ".join(
        f"SELECT 'table', '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names)
    touched = database.execute_sql(
        f"{with_rows} UNION ALL SELECT 'sequence', sequencename::text FROM pg_sequences "
        "WHERE last_value IS NOT NULL AND sequencename <> 'schema_migration_id_seq'").fetchall()
    sequences = {name for kind, name in touched if kind == "sequence"}
    tables = {name for kind, name in touched if kind == "table"} | {
        name.removesuffix("_id_seq") for name in sequences}
    try:
        if not tables <= names:
            raise LookupError(tables - names)
        with database.atomic():
            for model in _DELETE_ORDER:
                if model._meta.table_name in tables:
                    database.execute_sql(f'DELETE FROM "{model._meta.table_name}"')
            for name in sequences:
                database.execute_sql(f"SELECT setval('\"{name}\"', 1, false)")
    except (LookupError, IntegrityError):
        every = ", ".join(f'"{name}"' for name in sorted(names))
        database.execute_sql(f"TRUNCATE {every} RESTART IDENTITY CASCADE")


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test's database with config overrides; the test holds a connection."""
    def _make(**overrides):
        app = create_app(TestConfig(database_url, tmp_path, **overrides))
        db.connect(reuse_if_open=True)
        return app
    yield _make
    if not db.is_closed():
        db.close()


@pytest.fixture
def app(make_app):
    """The app with CSRF off: forms are posted directly (test_pages checks CSRF itself)."""
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.fixture
def client(app):
    """A browser that prefers English (tests of the Chinese UI set their own header)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Sign a user in through the real login form."""
    def _login(user, password=PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user
    return _login


@pytest.fixture
def switch_to(client, login_as):
    """For tests that switch people: sign out whoever is signed in, then sign the user in."""
    def _switch(user):
        client.post("/logout")
        return login_as(user)
    return _switch
