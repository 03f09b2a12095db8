"""Benchmark: the strike sweep applied to a cohort where every learner is removed
(`--learners`, default 10,000; `--backend sqlite|postgres`).

Seeds a cohort with N learners who all missed one closed case (strike limit 1, safety stop
raised above N, a robot posting removals), then times, each on a fresh copy of the seeded
database (a file copy for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL):

- the domain: `participation.sweep.apply_sweep` (plan, misses, removals, log, notices
  rendered per learner, staff mail, chat post), in one transaction;
- a hand-written reference with the same rows: INSERT … SELECT for the misses, one UPDATE of
  the memberships, INSERT … SELECT for the log entries, the outbox rows (the mail's text
  rendered once, the same for everyone) and the in-app messages, in one transaction.

Domain and reference run in turn (≥ 5 each); prints the median with p10 and p90, the ratio
and the statement count (a row for docs/benchmarks.md, section bench:sweep), then the median
CPU time of this process for each and the load average.
Run: `.venv/bin/python -m bench.sweep --backend sqlite --learners 10000`.
"""
import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.heatmap import quantiles
from learnclub import schema
from learnclub.db import bind, close_pool, db
from learnclub.domain.participation.sweep import apply_sweep
from learnclub.domain.reach import mail_templates
from learnclub.models import (
    ChatHook,
    Cohort,
    InboxMessage,
    Membership,
    MembershipEvent,
    Miss,
    OutboxMessage,
    User,
)
from tests.factories import T0, make_case, make_cohort
from tests.query_count import count_queries

ROOT = Path(__file__).resolve().parent.parent
NOW = T0 + timedelta(hours=84)  #: the case's due (72 h) and grace (12 h) are over
PG = os.environ.get("LEARNCLUB_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
MARKER, END = "<!-- bench:sweep -->", "<!-- /bench:sweep -->"


def seed(learners):
    """The cohort, its one closed case and `learners` learners nobody wrote for."""
    schema.upgrade()
    cohort = make_cohort(slug="sweep", strike_limit=1, removal_stop_percent=100,
                         removal_stop_count=10000)
    case = make_case(cohort, title="小区生鲜团购")
    ChatHook.create(cohort=cohort, kind="generic", label="学员群", url="http://127.0.0.1:9/h",
                    secret="k", events="removals", created_at=T0)
    users = [{"email": f"l{i}@bench.example", "display_name": f"学员{i}", "password_hash": "x",
              "locale": "en" if i % 3 == 0 else "zh", "created_at": T0}
             for i in range(learners)]
    with db.atomic():
        for start in range(0, learners, 2000):
            User.insert_many(users[start:start + 2000]).execute()
        ids = [u.id for u in User.select(User.id).where(User.email.endswith("@bench.example"))]
        for start in range(0, learners, 2000):
            Membership.insert_many([{"cohort": cohort.id, "user": i, "role": "learner",
                                     "status": "active", "joined_at": T0}
                                    for i in ids[start:start + 2000]]).execute()
    return cohort.id, case.id


def reference(cohort_id, case_id):
    """The same outcome in hand-written SQL: five statements in one transaction (misses,
    removals, log entries, outbox rows, inbox messages)."""
    at = Membership.removed_at.db_value(NOW)
    subject, text, html = mail_templates.render_mail(
        "removed", "zh", cohort="社群实验室", link="http://x/c/sweep/", reasons=[],
        cases=[{"title": "小区生鲜团购", "due": "2026-01-01 20:00"}])
    learners = ("FROM membership m WHERE m.cohort_id = %s AND m.role = 'learner' "
                "AND m.status = 'active'")
    with db.atomic():
        db.execute_sql("INSERT INTO miss (cohort_id, user_id, case_id, created_at, void_reason) "
                       f"SELECT m.cohort_id, m.user_id, %s, %s, '' {learners} AND NOT EXISTS "
                       "(SELECT 1 FROM submission s WHERE s.case_id = %s AND s.user_id = "
                       "m.user_id) ON CONFLICT DO NOTHING".replace("%s", _p()),
                       (case_id, at, cohort_id, case_id))
        db.execute_sql("UPDATE membership SET status = 'removed', removed_at = %s, "
                       "removed_reason = %s, removed_kind = 'strikes', removed_case_ids = %s "
                       "WHERE cohort_id = %s AND role = 'learner' AND status = 'active'"
                       .replace("%s", _p()),
                       (at, "strikes: 小区生鲜团购", f"[{case_id}]", cohort_id))
        removed = ("FROM membership m WHERE m.cohort_id = %s AND m.status = 'removed' AND "
                   "m.removed_at = %s")
        db.execute_sql("INSERT INTO membership_event (cohort_id, user_id, action, reason, "
                       "reason_kind, case_ids, at) SELECT m.cohort_id, m.user_id, 'removed', "
                       f"m.removed_reason, 'strikes', m.removed_case_ids, m.removed_at {removed}"
                       .replace("%s", _p()), (cohort_id, at))
        joined = removed.replace("m WHERE", 'm JOIN "user" u ON u.id = m.user_id WHERE')
        db.execute_sql("INSERT INTO outbox_message (key, user_id, kind, to_addr, subject, body, "
                       "html_body, created_at, attempts, last_error, next_attempt_at, outcome) "
                       "SELECT 'removal:membership:' || m.id || %s, u.id, '', u.email, %s, %s, "
                       f"%s, %s, 0, '', %s, '' {joined} ON CONFLICT DO NOTHING"
                       .replace("%s", _p()),
                       (f":{NOW:%Y%m%dT%H%M%S}", subject, text, html, at, at, cohort_id, at))
        db.execute_sql("INSERT INTO inbox_message (key, recipient_id, cohort_id, kind, params, "
                       "link, created_at) SELECT 'removal:membership:' || m.id || %s, m.user_id, "
                       f"m.cohort_id, 'removed', '{{}}', '/c/sweep/', %s {removed} "
                       "ON CONFLICT DO NOTHING".replace("%s", _p()),
                       (f":{NOW:%Y%m%dT%H%M%S}", at, cohort_id, at))


def _p():
    return "?" if db.obj.__class__.__name__.lower().find("sqlite") >= 0 else "%s"


def domain(cohort_id, case_id):
    apply_sweep(Cohort.get_by_id(cohort_id), now=NOW, base_url="http://x")


class Copies:
    """Fresh copies of the seeded database, for SQLite (files) or PostgreSQL (templates)."""

    def __init__(self, backend, folder):
        self.backend, self.folder, self.made = backend, folder, []
        self.template = (f"sqlite:///{folder / 'seed.db'}" if backend == "sqlite"
                         else self._create(f"lc_sweep_seed_{os.getpid()}"))

    def _create(self, name, template=None):
        bind(f"{PG}/postgres")
        with db.connection_context():
            db.execute_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"'
                                                          if template else ""))
        close_pool()
        self.made.append(name)
        return f"{PG}/{name}"

    def fresh(self, n):
        close_pool()
        if self.backend == "sqlite":
            target = self.folder / f"copy{n}.db"
            shutil.copy(self.folder / "seed.db", target)
            return f"sqlite:///{target}"
        return self._create(f"lc_sweep_{os.getpid()}_{n}", self.made[0])

    def drop(self):
        if self.backend == "postgres":
            close_pool()
            bind(f"{PG}/postgres")
            with db.connection_context():
                for name in reversed(self.made):
                    db.execute_sql(f'DROP DATABASE IF EXISTS "{name}"')
            close_pool()
        shutil.rmtree(self.folder, ignore_errors=True)


def timed(copies, n, run, ids):
    bind(copies.fresh(n))
    with db.connection_context():
        with count_queries() as statements:
            begin, cpu = time.perf_counter(), time.process_time()
            run(*ids)
            elapsed = (time.perf_counter() - begin) * 1000
            cpu = (time.process_time() - cpu) * 1000
        done = (Membership.select().where(Membership.status == "removed").count(),
                Miss.select().count(),
                MembershipEvent.select().where(MembershipEvent.action == "removed").count(),
                OutboxMessage.select().where(OutboxMessage.key.startswith("removal:")).count(),
                InboxMessage.select().where(InboxMessage.kind == "removed").count())
    assert len(set(done)) == 1, done  # the same outcome: everyone missed, removed, told
    return elapsed, cpu, len(statements)


def main(args):
    copies = Copies(args.backend, Path(tempfile.mkdtemp(prefix="learnclub-sweep-")))
    try:
        bind(copies.template)
        with db.connection_context():
            ids = seed(args.learners)
        samples, counts = {"domain": [], "reference": []}, {}
        cpu = {"domain": [], "reference": []}
        for n in range(args.runs):
            for name, run in (("reference", reference), ("domain", domain)):
                ms, cpu_ms, counts[name] = timed(copies, f"{n}{name[0]}", run, ids)
                samples[name].append(ms)
                cpu[name].append(cpu_ms)
    finally:
        copies.drop()
    return report(args, samples, counts, cpu)


def report(args, samples, counts, cpu):
    def cell(name):
        median, p10, p90 = quantiles(samples[name])
        return f"{median:.0f} ({p10:.0f}–{p90:.0f})", median

    domain_cell, domain_ms = cell("domain")
    ref_cell, ref_ms = cell("reference")
    label = "SQLite" if args.backend == "sqlite" else "PostgreSQL"
    row = (f"| {label} | {args.learners} | {domain_cell} | {counts['domain']} | {ref_cell} | "
           f"{counts['reference']} | {domain_ms / ref_ms:.1f} |")
    print(f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
          f"({os.cpu_count()} cores, shared), Python {platform.python_version()}, "
          f"{args.runs} runs each, in turn.")
    print(row)
    # this process's CPU time (SQLite runs in it; PostgreSQL's server work is not counted):
    # steadier than wall time on a shared machine
    domain_cpu, ref_cpu = statistics.median(cpu["domain"]), statistics.median(cpu["reference"])
    ratio = (f" ({domain_cpu / ref_cpu:.1f}×)" if args.backend == "sqlite"
             else " (the server's work not counted)")
    print(f"CPU ms of this process, median: domain {domain_cpu:.0f}, reference {ref_cpu:.0f}"
          f"{ratio}; load average {os.getloadavg()[0]:.1f}.")
    return 0


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--learners", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(arguments(sys.argv[1:])))
