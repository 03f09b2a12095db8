"""Benchmark: the pages that grow with a cohort, at 500 learners × 60 cases.

Seeds a SQLite database (in a temporary folder), then times in-process requests (server time,
no network) through Flask's test client:

- the heatmap (/c/<slug>/tracking), the case page of the newest case (as the host, with every
  learner's homework on it), and submitting homework (a new learner each time);
- a bare Flask + peewee endpoint that reads the same rows the heatmap reads (memberships with
  users, cases, submissions, excuses) and returns only their counts: the floor any page
  showing this data stands on.

Prints medians (and the ratio learnclub / bare) and, with --write, records them in
docs/benchmarks.md. Run: `make bench` (LEARNCLUB_BENCH_RUNS sets the repetitions).
"""
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, jsonify

from learnclub import clock, create_app, schema
from learnclub.config import TestConfig
from learnclub.db import bind, db
from learnclub.domain.accounts.passwords import hash_password
from learnclub.models import Case, Excuse, Membership, Submission, User
from tests.factories import default_settings

LEARNERS, CASES = 500, 60
RUNS = int(os.environ.get("LEARNCLUB_BENCH_RUNS", "15"))
PASSWORD = "benchmark passphrase"
ROOT = Path(__file__).resolve().parent.parent


def seed(now):
    """The cohort: a host, 500 learners, 60 cases every 4 days, ~85% of homework handed in."""
    from learnclub.domain.cohorts.settings import create_cohort
    hashed = hash_password(PASSWORD)
    host = User.create(email="host@bench.example", password_hash=hashed, display_name="群主",
                       can_host=True, created_at=now)
    cohort = create_cohort("bench", default_settings(name="压测社群"), actor=host,
                           now=now - timedelta(days=300))
    start = now - timedelta(days=4 * (CASES - 1), hours=1)
    with db.atomic():
        User.insert_many([{"email": f"l{i}@bench.example", "password_hash": hashed,
                           "display_name": f"学员{i:03d}", "city": "上海", "created_at": start}
                          for i in range(LEARNERS)]).execute()
        learners = list(User.select().where(User.email.startswith("l")).order_by(User.id))
        Membership.insert_many([{"cohort": cohort, "user": u, "role": "learner",
                                 "joined_at": start - timedelta(days=1)}
                                for u in learners]).execute()
        Case.insert_many([{"cohort": cohort, "title": f"案例 {n + 1}", "body_md": "## 正文\n内容",
                           "homework_prompt": "你会怎么做？",
                           "publish_at": start + timedelta(days=4 * n),
                           "publish_fixed": True, "queue_position": n, "created_at": start,
                           "updated_at": start} for n in range(CASES)]).execute()
        cases = list(Case.select().order_by(Case.publish_at))
        rows = [{"case": c, "user": u, "body_md": "我的作业：先建群，再定规则，最后复盘。",
                 "length": 15, "submitted_at": c.publish_at + timedelta(hours=5),
                 "updated_at": c.publish_at + timedelta(hours=5),
                 "late_seconds": 3600 if (i + j) % 11 == 0 else 0}
                for j, c in enumerate(cases[:-1]) for i, u in enumerate(learners)
                if (i * 7 + j) % 7 != 0]
        rows += [{"case": cases[-1], "user": u, "body_md": "最新案例的作业", "length": 7,
                  "submitted_at": now, "updated_at": now} for u in learners[: LEARNERS // 2]]
        for chunk in range(0, len(rows), 2000):
            Submission.insert_many(rows[chunk:chunk + 2000]).execute()
        Excuse.insert_many([{"case": cases[j], "user": learners[j], "reason": "出差",
                             "created_at": start} for j in range(0, CASES - 1, 3)]).execute()
    return cohort, cases, learners


def bare_app(database_url):
    """Flask + peewee and nothing else, reading the heatmap's rows."""
    app = Flask("bare")
    bind(database_url)

    @app.get("/rows/<int:cohort_id>")
    def rows(cohort_id):
        with db.connection_context():
            members = list(Membership.select(Membership, User).join(User)
                           .where((Membership.cohort == cohort_id)
                                  & (Membership.role == "learner")))
            cases = list(Case.select().where(Case.cohort == cohort_id))
            ids = [c.id for c in cases]
            subs = list(Submission.select(Submission.case, Submission.user,
                                          Submission.late_seconds)
                        .where(Submission.case.in_(ids)).tuples())
            excuses = list(Excuse.select(Excuse.case, Excuse.user)
                           .where(Excuse.case.in_(ids)).tuples())
        return jsonify(members=len(members), cases=len(cases), submissions=len(subs),
                       excuses=len(excuses))
    return app


def timed(call, runs=RUNS):
    """Median wall time in milliseconds of `call()` over `runs` runs (after one warm-up)."""
    call()
    samples = []
    for n in range(runs):
        begin = time.perf_counter()
        response = call(n)
        samples.append((time.perf_counter() - begin) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return statistics.median(samples)


def main(write):
    folder = Path(tempfile.mkdtemp(prefix="learnclub-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    app = create_app(TestConfig(url, folder, WTF_CSRF_ENABLED=False))
    now = clock.now()
    with db.connection_context():
        schema.upgrade()
        cohort, cases, learners = seed(now)
    host = app.test_client()
    host.post("/login", data={"email": "host@bench.example", "password": PASSWORD})
    newest = cases[-1]
    writers = iter(learners[LEARNERS // 2:])

    def submit(_n=None):
        client = app.test_client()
        client.post("/login", data={"email": next(writers).email, "password": PASSWORD})
        begin = time.perf_counter()
        response = client.post(f"/c/bench/cases/{newest.id}/homework",
                               data={"body_md": "我的作业：先建群，再定规则，最后复盘。"})
        submit.server_ms = (time.perf_counter() - begin) * 1000
        return response

    heatmap = timed(lambda _n=None: host.get("/c/bench/tracking"))
    case_page = timed(lambda _n=None: host.get(f"/c/bench/cases/{newest.id}"))
    submit_samples = []
    for _ in range(RUNS + 1):
        submit()
        submit_samples.append(submit.server_ms)
    submission = statistics.median(submit_samples[1:])
    bare = bare_app(url).test_client()
    baseline = timed(lambda _n=None: bare.get(f"/rows/{cohort.id}"))
    return report(heatmap, case_page, submission, baseline, write)


def report(heatmap, case_page, submission, baseline, write):
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite, {LEARNERS} learners × {CASES} cases, "
        f"median of {RUNS} in-process requests (server time, no network).",
        "",
        "| request | median ms | × bare Flask + peewee |",
        "|---|---:|---:|",
        f"| bare Flask + peewee: read the heatmap's rows, return counts | {baseline:.1f} | 1.0 |",
        f"| heatmap `/c/<slug>/tracking` | {heatmap:.1f} | {heatmap / baseline:.1f} |",
        f"| case page of the newest case: 250 submissions, as the host | {case_page:.1f} | "
        f"{case_page / baseline:.1f} |",
        f"| submit homework (POST, new submission) | {submission:.1f} | "
        f"{submission / baseline:.2f} |",
    ]
    print("\n".join(lines))
    if write:
        target = ROOT / "docs" / "benchmarks.md"
        text = target.read_text() if target.exists() else ""
        marker = "<!-- bench:heatmap -->"
        head = text.split(marker)[0].rstrip() + "\n\n" if marker in text else text
        target.write_text(head + marker + "\n" + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main("--write" in sys.argv))
