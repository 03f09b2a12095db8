"""`learnclub backup` takes a consistent snapshot of a running demo while homework is being
written; `learnclub restore` puts it into a fresh database, where every table matches."""
import json
import shutil
import threading
import uuid

import pytest

from learnclub import backup as backups
from learnclub import schema
from learnclub.config import ROOT
from learnclub.db import bind, close_pool, connection
from learnclub.demo.community import create_demo
from learnclub.domain.errors import DomainError
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import ALL, Case, Membership, Submission, SubmissionRevision
from tests.conftest import POSTGRES_URL

WRITTEN = {"submission", "submission_revision"}  # the tables the writer changes


def _tables():
    """{table: sorted rows} of the database the proxy is bound to, every model in ALL."""
    with connection():
        return {m._meta.table_name: list(m.select().order_by(*m._meta.sorted_fields).tuples())
                for m in ALL}


def _writable_pair(now):
    for case in Case.select().order_by(Case.id):
        for member in Membership.active_learners(case.cohort):
            try:
                submission, _created = submit_homework(case, member.user, "edit 0", now=now)
            except DomainError:
                continue
            return case, member.user, submission.id, submission.revisions.count()
    raise AssertionError("the demo has no case a learner may write on now")


class Writer(threading.Thread):
    """Edits one learner's homework again and again: each edit adds a revision and changes
    the text to "edit N" in one transaction, so a consistent copy has N revisions."""

    def __init__(self, case, user, now):
        super().__init__(daemon=True)
        self.case, self.user, self.now = case, user, now
        self.stop, self.edits, self.error = threading.Event(), 0, None

    def run(self):
        try:
            with connection():
                while not self.stop.is_set():
                    submit_homework(self.case, self.user, f"edit {self.edits + 1}", now=self.now)
                    self.edits += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """A database URL for the restore: a new SQLite file or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    import psycopg
    name = f"learnclub_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(POSTGRES_URL, autocommit=True)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    close_pool()
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def settings(app):
    if not app.config["DATABASE_URL"].startswith("sqlite") and not (
            shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    return dict(app.config)


@pytest.fixture
def demo(settings, clock):
    return create_demo(now=clock.now(), content_dir=ROOT / "content")


def test_backup_while_writing_restores_every_table(settings, demo, fresh_url, tmp_path, clock):
    case, user, submission_id, first = _writable_pair(clock.now())
    writer = Writer(case, user, clock.now())
    writer.start()
    while writer.edits < 3 and writer.is_alive():
        pass  # let it get going
    manifest = backups.backup(settings, tmp_path / "club.backup", now=clock.now())
    during = writer.edits
    while writer.edits < during + 3 and writer.is_alive():
        pass  # and go on after the snapshot
    writer.stop.set()
    writer.join()
    assert writer.error is None
    source = _tables()

    bind(fresh_url)
    backups.restore({**settings, "DATABASE_URL": fresh_url}, tmp_path / "club.backup")
    restored = _tables()

    assert not set(ALL) - {m for m in ALL if m._meta.table_name in restored}
    for table in set(source) - WRITTEN:
        assert restored[table] == source[table], table
    with connection():
        body = Submission.get_by_id(submission_id).body_md
        revisions = SubmissionRevision.select().where(
            SubmissionRevision.submission == submission_id).count()
        assert not schema.pending()
    assert body == f"edit {revisions - first}"  # text and revisions from the same instant
    assert 3 <= revisions - first <= during + 1 < writer.edits
    kept = restored["submission_revision"]
    assert kept == source["submission_revision"][:len(kept)]  # a prefix: nothing in between
    assert {t: len(rows) for t, rows in restored.items()} == manifest["rows"]
    assert len(source["submission"]) == len(restored["submission"])


def test_the_manifest_names_the_secret_key_without_copying_it(settings, tmp_path, clock):
    backups.backup(settings, tmp_path / "a.backup", now=clock.now())
    backups.backup(settings, tmp_path / "b.backup", now=clock.now(), with_secret_key=True)

    plain = json.loads((tmp_path / "a.backup.json").read_text())
    keyed = json.loads((tmp_path / "b.backup.json").read_text())
    assert settings["SECRET_KEY"] not in json.dumps(plain)
    assert "instance/secret_key" in plain["secret_key"]
    assert keyed["secret_key"] == settings["SECRET_KEY"]
    assert plain["backend"] in ("sqlite", "postgresql")
    assert plain["created_at"]
    assert plain["migrations"][0] == "0001_initial"
    assert (tmp_path / "a.backup").stat().st_mode & 0o077 == 0
    assert (tmp_path / "b.backup.json").stat().st_mode & 0o077 == 0


def test_restore_refuses_a_database_with_rows(settings, demo, tmp_path, clock):
    backups.backup(settings, tmp_path / "club.backup", now=clock.now())
    before = _tables()

    with pytest.raises(backups.BackupError, match="not empty .*user: 44"):
        backups.restore(settings, tmp_path / "club.backup")

    assert _tables() == before


def test_backup_refuses_an_existing_file(settings, tmp_path, clock):
    (tmp_path / "taken").write_text("mine")

    with pytest.raises(backups.BackupError, match="exists already"):
        backups.backup(settings, tmp_path / "taken", now=clock.now())

    assert (tmp_path / "taken").read_text() == "mine"
    assert not (tmp_path / "taken.json").exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_restore_refuses_what_is_not_a_backup(settings, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")

    with pytest.raises(backups.BackupError, match="neither a SQLite backup nor a pg_dump"):
        backups.restore(settings, tmp_path / "notes.txt")
    with pytest.raises(backups.BackupError, match="is not a file"):
        backups.restore(settings, tmp_path / "missing")


def test_the_commands_back_up_and_restore(settings, demo, fresh_url, runner, make_app,
                                          tmp_path):
    path = tmp_path / "cli.backup"

    made = runner.invoke(args=["backup", str(path)])
    again = runner.invoke(args=["backup", str(path)])
    refused = runner.invoke(args=["restore", str(path)])

    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output
    assert "not copied" in made.output
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert refused.exit_code == 1
    assert "not empty" in refused.output
    source = _tables()
    fresh = make_app(DATABASE_URL=fresh_url).test_cli_runner()
    restored = fresh.invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output
    assert "secret key" in restored.output
    assert _tables() == source
