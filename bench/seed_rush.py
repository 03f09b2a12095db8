"""The rush benchmark's database: created fresh (a SQLite file in a temporary folder, or a
PostgreSQL database of its own), migrated by `learnclub db upgrade`, then seeded through
learnclub's domain where it has a verb (the cohort, every API token) and with bulk inserts
where it has none that fits (accounts, memberships, and the cases: a case due seconds after
it opens is exactly what the editor refuses, so each run's case is written as a row).

Every learner gets the SAME password hash, made once with cheap argon2 parameters (1 pass,
1 MiB): verifying it at sign-in is what the cost parameters say, and the benchmark measures
submitting, not signing in. Accounts made through the web get the normal parameters."""
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from argon2 import PasswordHasher

from bench import bare_app
from learnclub.db import bind, connection, db
from learnclub.domain.accounts.api_tokens import create_token
from learnclub.domain.cohorts.settings import SETTING_FIELDS, create_cohort
from learnclub.models import Case, Cohort, Membership, Submission, User

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "rush benchmark passphrase"
SLUG = "rush"
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
HASH_NOTE = ("all learners share one password hash made once with cheap argon2 parameters "
             "(t=1, m=1 MiB, p=1), so seeding and signing in stay quick")


@dataclass
class Learner:
    id: int
    email: str
    token: str
    web: bool  #: submits through the web form (else through the API)


def server_env(url, folder, code=None):
    """The LEARNCLUB_* variables a process of this benchmark runs with; `code`: a source tree
    whose learnclub package is imported instead of the repository's (PYTHONPATH)."""
    env = {**os.environ, "LEARNCLUB_DATABASE_URL": url, "LEARNCLUB_INSTANCE_DIR": str(folder),
           "LEARNCLUB_CONTENT_DIR": str(folder / "content"),
           "LEARNCLUB_SECRET_KEY": "rush-benchmark-secret", "BENCH_BARE_DATABASE_URL": url}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def _pg_admin(sql):
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def new_database(backend, folder):
    """A fresh, empty database; returns its URL."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'rush.db'}"
    name = f"learnclub_rush_{os.getpid()}"
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {name}")
    return f"{PG_SERVER}/{name}"


def drop_database(url):
    if url.startswith("postgresql://"):
        _pg_admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def upgrade(url, folder, code=None):
    """`learnclub db upgrade` (of the `code` tree, if given) on the database."""
    (folder / "content").mkdir(parents=True, exist_ok=True)
    subprocess.run([str(ROOT / ".venv" / "bin" / "learnclub"), "db", "upgrade"], check=True,
                   env=server_env(url, folder, code), cwd=code or ROOT,
                   stdout=subprocess.DEVNULL)


def _settings():
    settings = {name: Cohort._meta.fields[name].default for name in SETTING_FIELDS}
    settings.update(name="压测社群", description_md="截止日前的高峰。")
    return settings


def _accounts(count, now):
    hashed = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    rows = [{"email": f"l{i}@rush.example", "password_hash": hashed,
             "display_name": f"学员{i:05d}", "created_at": now} for i in range(count)]
    for chunk in range(0, count, 1000):
        User.insert_many(rows[chunk:chunk + 1000]).execute()
    return list(User.select().where(User.email.endswith("@rush.example")).order_by(User.id))


def seed(url, count):
    """The host, the cohort, `count` learners each with a write token. Returns the learners;
    even positions submit through the web form, odd ones through the API."""
    bind(url)
    now = datetime.now(UTC)
    with connection(), db.atomic():
        host = User.create(email="host@rush-host.example", password_hash="!", can_host=True,
                           display_name="群主", created_at=now)
        cohort = create_cohort(SLUG, _settings(), actor=host, now=now - timedelta(days=30))
        users = _accounts(count, now - timedelta(days=20))
        rows = [{"cohort": cohort, "user": u, "role": "learner", "joined_at": now}
                for u in users]
        for chunk in range(0, count, 1000):
            Membership.insert_many(rows[chunk:chunk + 1000]).execute()
        learners = [Learner(u.id, u.email, create_token(u, name="rush", scope="write",
                                                        now=now)[1], i % 2 == 0)
                    for i, u in enumerate(users)]
    bare = bare_app.bind(url)
    with bare.connection_context():
        bare.create_tables([bare_app.BareRow])
    return learners


def open_case(title, *, due_at):
    """A case of the cohort out since an hour ago, due at `due_at`; returns its id."""
    now = datetime.now(UTC)
    with connection():
        cohort = Cohort.get(Cohort.slug == SLUG)
        last = Case.select().where(Case.cohort == cohort).count()
        case = Case.create(cohort=cohort, title=title, body_md="## 高峰\n截止前一起交作业。",
                           homework_prompt="你会怎么做?", publish_at=now - timedelta(hours=1),
                           publish_fixed=True, due_at_fixed=due_at, queue_position=last,
                           created_at=now, updated_at=now)
    return case.id


def stored(case_id):
    """{user id: late seconds} of every submission stored on the case."""
    with connection():
        return dict(Submission.select(Submission.user, Submission.late_seconds)
                    .where(Submission.case == case_id).tuples())


def bare_stored(run):
    """{user id: 0} of every row the bare app stored for the run."""
    with bare_app.database.connection_context():
        return {user: 0 for (user,) in bare_app.BareRow.select(bare_app.BareRow.user_id)
                .where(bare_app.BareRow.run == run).tuples()}
