"""PostgreSQL goes through psycopg 3, the optional `postgres` extra; without it a PostgreSQL
URL gets one line saying what to install, not a traceback."""
import os
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from learnclub.db import INSTALL_POSTGRES, make_database

ROOT = Path(__file__).resolve().parent.parent
#: the `learnclub` command in a Python where psycopg cannot be imported (as if not installed)
WITHOUT_PSYCOPG = ("import sys; sys.modules['psycopg'] = None; "
                   "from learnclub.cli import cli; cli()")


@pytest.mark.parametrize("url", ["postgresql://learnclub@db.invalid:5432/club",
                                 "postgres://learnclub:secret@db.invalid/club"])
def test_postgres_urls_go_through_psycopg_3(url):
    database = make_database(url)

    assert isinstance(database._adapter, peewee.Psycopg3Adapter)
    assert database.is_closed()  # nothing connects before it is used


@pytest.mark.parametrize("command", [["db", "status"], ["scheduler"],
                                     ["serve", "--port", "5999"]])
def test_postgres_url_without_psycopg_says_what_to_install(command, tmp_path):
    env = {**os.environ, "LEARNCLUB_DATABASE_URL": "postgresql://learnclub@db.invalid/club",
           "LEARNCLUB_INSTANCE_DIR": str(tmp_path), "LEARNCLUB_CONTENT_DIR": str(tmp_path)}

    done = subprocess.run([sys.executable, "-c", WITHOUT_PSYCOPG, *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [f"Error: {INSTALL_POSTGRES}"]
    assert "install learnclub[postgres]" in INSTALL_POSTGRES
