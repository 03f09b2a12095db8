"""Benchmark: the pages that grow with a cohort, at 500 learners × 60 cases (`--learners`,
`--cases` for other sizes, e.g. `--learners 10000`).

Seeds a SQLite database (in a temporary folder) with realistic homework (300–800 characters
of Chinese and English Markdown, its HTML stored as the domain stores it, as is each case's),
then times in-process requests (server time, no network) through Flask's test client:

- the heatmap (/c/<slug>/tracking, its first page), the newest case's page as the host and as
  a learner who handed in (the first page of peers' homework), and submitting homework;
- for each page, a bare Flask + peewee endpoint that runs the same reads that page needs
  (the same rows and columns, bodies included) and returns only a few numbers: the floor any
  page showing this data stands on with these libraries.

A page and its reference are timed in turn (reference, page, reference, page, …), so a
slower or busier moment of the machine weighs on both. Prints the median with p10 and p90,
the ratio page / reference, each page's HTML size, the peak memory of one request of each
page (tracemalloc) and the process's peak RSS; with --write, records the table in its own
section of docs/benchmarks.md. Run: `make bench` (LEARNCLUB_BENCH_RUNS sets the repetitions).
"""
import argparse
import gc
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, jsonify, request
from peewee import SQL, fn

from learnclub import clock, create_app, schema
from learnclub.config import TestConfig
from learnclub.db import bind, db
from learnclub.domain.accounts.passwords import hash_password
from learnclub.domain.cases.editing import PLACING_COLUMNS
from learnclub.domain.rendering import case_html, homework_html
from learnclub.models import (
    Application,
    Case,
    Cohort,
    CohortRules,
    Comment,
    Excuse,
    Extension,
    InboxMessage,
    LeaveRequest,
    Like,
    LoginSession,
    Membership,
    Submission,
    SubmissionImage,
    Talk,
    User,
)
from learnclub.prepared import Prepared
from tests.factories import default_settings

RUNS = int(os.environ.get("LEARNCLUB_BENCH_RUNS", "15"))
PASSWORD = "benchmark passphrase"
ROOT = Path(__file__).resolve().parent.parent
PEERS = 50  #: peers' homework on the first page of a case (homework.case_page.PEERS_PER_PAGE)
MARKER, END = "<!-- bench:heatmap -->", "<!-- /bench:heatmap -->"

_SENTENCES = [
    "先在群里发一条欢迎消息，把规则讲清楚，再约定每周的分享时间。",
    "我们社区团购群有 300 人，活跃的只有二十几个，需要分层运营。",
    "First, I would **pin the rules** and ask every newcomer to introduce themselves.",
    "复盘时发现，提醒太频繁反而让人屏蔽群消息，所以改成每周一次汇总。",
    "The key metric is not the number of members but how many *reply within a day*.",
    "对沉默的成员，私聊比群发有效得多，回复率从 5% 提高到 40%。",
    "I tried a weekly AMA with a guest; attendance doubled when we sent the topic early.",
    "最后，用一个简单的表格记录每个人的作业和反馈，避免遗漏。",
]


def body(rng):
    """300–800 characters of Markdown: a heading, paragraphs, a list, a link, some bold."""
    parts = [f"## 我的思考 {rng.randint(1, 99)}", ""]
    while sum(len(p) for p in parts) < rng.randint(300, 760):
        kind = rng.random()
        if kind < 0.2:
            parts += [f"- {rng.choice(_SENTENCES)}", f"- {rng.choice(_SENTENCES)}", ""]
        elif kind < 0.3:
            parts += ["参考：[社群运营手册](https://example.org/handbook) 第三章。", ""]
        else:
            parts += [" ".join(rng.sample(_SENTENCES, 2)), ""]
    return "\n".join(parts)[:800]


def seed(now, learners_n, cases_n):
    """A host, the learners, cases every 4 days, ~85% of homework handed in; the newest
    case has half the learners' homework, each with a like and every tenth a comment."""
    from learnclub.domain.cohorts.settings import create_cohort
    rng, hashed = random.Random(7), hash_password(PASSWORD)
    host = User.create(email="host@bench.example", password_hash=hashed, display_name="群主",
                       can_host=True, created_at=now)
    cohort = create_cohort("bench", default_settings(name="压测社群"), actor=host,
                           now=now - timedelta(days=4 * cases_n + 30))
    start = now - timedelta(days=4 * (cases_n - 1), hours=1)
    variants = [body(rng) for _ in range(50)]
    stored = [homework_html(0, v) for v in variants]  # older cases: realistic row size
    with db.atomic():
        _insert(User, [{"email": f"l{i}@bench.example", "password_hash": hashed,
                        "display_name": f"学员{i:05d}", "city": "上海", "created_at": start}
                       for i in range(learners_n)])
        learners = list(User.select().where(User.email.startswith("l")).order_by(User.id))
        _insert(Membership, [{"cohort": cohort, "user": u, "role": "learner",
                              "joined_at": start - timedelta(days=1)} for u in learners])
        _insert(Case, [{"cohort": cohort, "title": f"案例 {n + 1}", "body_md": variants[n % 50],
                        "homework_prompt": "你会怎么做？",
                        "publish_at": start + timedelta(days=4 * n), "publish_fixed": True,
                        "queue_position": n, "created_at": start, "updated_at": start}
                       for n in range(cases_n)])
        cases = list(Case.select().order_by(Case.publish_at))
        for c in cases:  # each case's HTML stored as the domain stores it when written
            Case.update(body_html=case_html(cohort.slug, c.id, c.body_md)).where(
                Case.id == c.id).execute()
        _insert(Submission, (
            {"case": c, "user": u, "body_md": variants[(i + j) % 50],
             "body_html": stored[(i + j) % 50], "length": 300,
             "submitted_at": c.publish_at + timedelta(hours=5),
             "updated_at": c.publish_at + timedelta(hours=5),
             "late_seconds": 3600 * (1 + (i + j) % 9) if (i + j) % 11 == 0 else 0}
            for j, c in enumerate(cases[:-1]) for i, u in enumerate(learners)
            if (i * 7 + j) % 7 != 0))
        _newest_homework(cases[-1], learners, variants, now)
        _insert(Excuse, [{"case": cases[j], "user": learners[j], "reason": "出差",
                          "created_at": start} for j in range(0, cases_n - 1, 3)])
    return cohort, cases, learners


def _insert(model, rows, chunk=2000):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            model.insert_many(batch).execute()
            batch = []
    if batch:
        model.insert_many(batch).execute()


def _newest_homework(case, learners, variants, now):
    """Half the learners' homework on the newest case, HTML stored per row as the domain
    stores it; a like on each, a comment on every tenth."""
    writers = learners[: len(learners) // 2]
    _insert(Submission, [{"case": case, "user": u, "body_md": variants[i % 50], "length": 300,
                          "submitted_at": now - timedelta(minutes=i), "updated_at": now}
                         for i, u in enumerate(writers)])
    subs = list(Submission.select(Submission.id, Submission.body_md).where(
        Submission.case == case))
    for s in subs:
        Submission.update(body_html=homework_html(s.id, s.body_md)).where(
            Submission.id == s.id).execute()
    _insert(Like, [{"submission": s.id, "user": writers[-1 - n], "created_at": now}
                   for n, s in enumerate(subs)])
    _insert(Comment, [{"submission": s.id, "user": writers[n], "body_md": "写得好！",
                       "body_html": "<p>写得好！</p>", "created_at": now}
                      for n, s in enumerate(subs) if n % 10 == 0])


#: samples for prepared.Prepared: unlike any id, hash or offset of a real read
_A, _B, _KEY = -7_100_000_001, -7_100_000_002, "bench-sample-key"
_IDS = Prepared.IDS


def _count(query):
    return query.select(fn.COUNT(SQL("*"))).tuples()


#: every read of the references, each one's SQL built once (prepared.Prepared, as the page's hot
#: reads are): the reference pays for reading the rows and making them models, not for
#: building SQL, so it is the floor a page showing them stands on
_READS = {
    "session": Prepared(lambda key: LoginSession.select(LoginSession, User).join(User)
                        .where(LoginSession.key_hash == key).limit(1), _KEY),
    "cohort": Prepared(lambda slug: Cohort.select().where(Cohort.slug == slug).limit(1),
                       "bench-sample-slug"),
    "membership": Prepared(lambda cohort, user: Membership.select().where(
        (Membership.cohort == cohort) & (Membership.user == user)).limit(1), _A, _B),
    "unread": Prepared(lambda user: _count(InboxMessage.select().where(
        (InboxMessage.recipient == user) & InboxMessage.read_at.is_null())), _A),
    "rules": Prepared(lambda cohort: CohortRules.select().where(
        CohortRules.cohort == cohort).limit(1), _A),
    "waiting": Prepared(lambda cohort: Cohort.select(
        _count(Application.select().where((Application.cohort == cohort)
                                           & (Application.status == "submitted"))),
        _count(Talk.select().where((Talk.cohort == cohort) & (Talk.status == "submitted"))))
        .where(Cohort.id == cohort).tuples(), _A),
    "learners": Prepared(lambda cohort: Membership.select(Membership, User).join(User).where(
        (Membership.cohort == cohort) & (Membership.role == "learner")), _A),
    "cases": Prepared(lambda cohort: Case.select().where(Case.cohort == cohort), _A),
    "submissions": Prepared(lambda ids: Submission.select(
        Submission.id, Submission.case, Submission.user, Submission.late_seconds,
        Submission.length, Submission.featured_at).where(Submission.case.in_(ids)).tuples(),
        _IDS),
    "excuses": Prepared(lambda ids: Excuse.select(Excuse.case, Excuse.user, Excuse.reason)
                        .where(Excuse.case.in_(ids)).tuples(), _IDS),
    "case": Prepared(lambda case, cohort: Case.select().where(
        (Case.id == case) & (Case.cohort == cohort)).limit(1), _A, _B),
    "pager": Prepared(lambda cohort: Case.select(*PLACING_COLUMNS).where(
        (Case.cohort == cohort) & Case.archived_at.is_null())
        .order_by(Case.publish_at, Case.queue_position, Case.id), _A),
    "own": Prepared(lambda case, user: Submission.select(Submission, User).join(User).where(
        (Submission.case == case) & (Submission.user == user)).limit(1), _A, _B),
    "peers_total": Prepared(lambda case, user: _count(Submission.select().where(
        (Submission.case == case) & (Submission.user != user))), _A, _B),
    "peers": Prepared(lambda case, user: Submission.select(Submission, User).join(User).where(
        (Submission.case == case) & (Submission.user != user))
        .order_by(Submission.featured_at.desc(nulls="LAST"), Submission.submitted_at)
        .limit(PEERS), _A, _B),
    "likes": Prepared(lambda ids: Like.select(Like.submission).where(
        Like.submission.in_(ids)).tuples(), _IDS),
    "comments": Prepared(lambda ids: Comment.select(Comment, User).join(User).where(
        Comment.submission.in_(ids)), _IDS),
    "pictures": Prepared(lambda ids: SubmissionImage.select().where(
        SubmissionImage.submission.in_(ids)), _IDS),
    "extension": Prepared(lambda case, user: Extension.select().where(
        (Extension.case == case) & (Extension.user == user)).limit(1), _A, _B),
    "excuse": Prepared(lambda case, user: Excuse.select().where(
        (Excuse.case == case) & (Excuse.user == user)).limit(1), _A, _B),
    "leave": Prepared(lambda case, user: LeaveRequest.select().where(
        (LeaveRequest.case == case) & (LeaveRequest.user == user)).limit(1), _A, _B),
    "draft_pictures": Prepared(lambda case, user: SubmissionImage.select().where(
        (SubmissionImage.case == case) & (SubmissionImage.user == user)), _A, _B),
}


def bare_app(database_url):
    """Flask + peewee and nothing else, running each page's reads and returning counts: the
    same rows and columns the page reads, its frame included (`_frame`: until 2026-12-05
    the references read only the page's own rows, not the session, cohort, membership,
    pager and menu counts every signed-in page reads around them)."""
    app = Flask("bare")
    bind(database_url)
    read = {name: query.rows for name, query in _READS.items()}

    @app.get("/heatmap/<key_hash>")
    def heatmap(key_hash):
        with db.connection_context():
            frame = _frame(read, key_hash, staff=True)
            cohort_id = frame["cohort"].id
            members = read["learners"](cohort_id)
            ids = [c.id for c in read["cases"](cohort_id)]
            subs = read["submissions"](ids)
            excuses = read["excuses"](ids)
        return jsonify(members=len(members), cases=len(ids), submissions=len(subs),
                       excuses=len(excuses), unread=frame["unread"])

    @app.get("/case/<int:case_id>/<key_hash>")
    def case_page(case_id, key_hash):
        staff = request.args.get("staff") == "1"
        with db.connection_context():
            frame = _frame(read, key_hash, staff=staff)
            reader, cohort_id = frame["session"].user_id, frame["cohort"].id
            case = read["case"](case_id, cohort_id)[0]
            pager = read["pager"](cohort_id)
            own = read["own"](case_id, reader)
            total = read["peers_total"](case_id, reader)[0][0]
            shown = read["peers"](case_id, reader)
            ids = [s.id for s in shown + own]
            likes, comments = read["likes"](ids), read["comments"](ids)
            pictures = read["pictures"](ids)
            if not staff:  # a learner's own: extension, excuse, leave, pictures in the draft
                mine = [read[name](case_id, reader) for name in ("extension", "excuse", "leave")]
                pictures += read["draft_pictures"](case_id, reader) + mine
        return jsonify(case=len(case.body_md), pager=len(pager), total=total, likes=len(likes),
                       comments=len(comments), pictures=len(pictures),
                       html=sum(len(s.body_html) for s in shown), unread=frame["unread"])
    return app


def _frame(read, key_hash, *, staff):
    """What every signed-in cohort page reads around its own rows: the session and its user,
    the cohort, the reader's membership, their unread messages (the header's count), the
    cohort's rules (their banner) and, for staff, what waits for them (the menu's counts)."""
    session = read["session"](key_hash)[0]
    cohort = read["cohort"]("bench")[0]
    return {"session": session, "cohort": cohort,
            "membership": read["membership"](cohort.id, session.user_id),
            "unread": read["unread"](session.user_id)[0][0], "rules": read["rules"](cohort.id),
            "waiting": read["waiting"](cohort.id) if staff else None}


def quantiles(samples):
    """(median, p10, p90) in milliseconds."""
    deciles = statistics.quantiles(samples, n=10, method="inclusive")
    return statistics.median(samples), deciles[0], deciles[-1]


def interleaved(pairs, runs, timer=time.perf_counter):
    """Time each (reference, page) in turn, `runs` times after one warm-up of each:
    {name: [ms]} (`timer`: time.process_time for CPU time). A pair's runs go together, page
    and reference alternating, so each follows the other: when the pairs took turns, the
    heatmap's garbage was collected in the host reference that came next, which made that
    reference slower and the host page's ratio look better than it was. For the same
    reason each call starts after a full collection (not timed): a collection inside a call
    is then one of its own garbage, not the other's (the heatmap's reference went from
    140 to 225 ms, by turns, without it)."""
    samples = {name: [] for pair in pairs for name, _call in pair}
    for pair in pairs:
        for n in range(runs + 1):
            for name, call in pair:
                gc.collect()
                begin = timer()
                response = call()
                elapsed = (timer() - begin) * 1000
                assert response.status_code == 200, (name, response.status_code)
                if n:
                    samples[name].append(elapsed)
    return samples


def peak_memory(call):
    """Peak Python memory (MB) allocated during one call, and its response's size (KB)."""
    tracemalloc.start()
    response = call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20, len(response.data) / 1024


def signed_in(app, email):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def main(args):
    folder = Path(tempfile.mkdtemp(prefix="learnclub-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    app = create_app(TestConfig(url, folder, WTF_CSRF_ENABLED=False))
    now = clock.now()
    with db.connection_context():
        schema.upgrade()
        cohort, cases, learners = seed(now, args.learners, args.cases)
        host_id = User.get(User.email == "host@bench.example").id
    newest, reader = cases[-1], learners[0]  # the reader handed in on the newest case
    host, learner = signed_in(app, "host@bench.example"), signed_in(app, reader.email)
    bare = bare_app(url).test_client()
    pages = {
        "heatmap": lambda: host.get("/c/bench/tracking"),
        "case_host": lambda: host.get(f"/c/bench/cases/{newest.id}"),
        "case_learner": lambda: learner.get(f"/c/bench/cases/{newest.id}"),
    }
    with db.connection_context():
        host_key, reader_key = [LoginSession.get(LoginSession.user == user_id).key_hash
                                for user_id in (host_id, reader.id)]
    refs = {
        "heatmap": lambda: bare.get(f"/heatmap/{host_key}"),
        "case_host": lambda: bare.get(f"/case/{newest.id}/{host_key}?staff=1"),
        "case_learner": lambda: bare.get(f"/case/{newest.id}/{reader_key}"),
    }
    samples = interleaved([[("ref:" + k, refs[k]), (k, pages[k])] for k in pages], args.runs,
                          time.process_time if args.cpu else time.perf_counter)
    samples["submit"] = submit_times(app, newest, learners, args.runs,
                                     time.process_time if args.cpu else time.perf_counter)
    memory = {k: peak_memory(call) for k, call in pages.items()}
    return report(args, samples, memory)


def submit_times(app, case, learners, runs, timer=time.perf_counter):
    """Server time of a new submission (POST), each by a learner who had not written."""
    times = []
    for user in learners[len(learners) // 2:][: runs + 1]:
        client = signed_in(app, user.email)
        begin = timer()
        response = client.post(f"/c/bench/cases/{case.id}/homework",
                               data={"body_md": body(random.Random(user.id))})
        times.append((timer() - begin) * 1000)
        assert response.status_code == 302, response.status_code
    return times[1:]


LABELS = {
    "heatmap": "heatmap `/c/<slug>/tracking` (first page: 50 learners)",
    "case_host": "newest case's page as the host (first 50 peers)",
    "case_learner": "newest case's page as a learner who handed in (first 50 peers)",
}


def report(args, samples, memory):
    def cell(name):
        median, p10, p90 = quantiles(samples[name])
        return f"{median:.1f} ({p10:.1f}–{p90:.1f})", median

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({os.cpu_count()} cores, shared), Python {platform.python_version()}, SQLite, "
        f"{args.learners} learners × {args.cases} cases, homework of 300–800 characters; "
        f"{args.runs} in-process requests each, page and reference in turn ("
        f"{'CPU time of the process' if args.cpu else 'server time'}, no network).", "",
        "| request | median ms (p10–p90) | bare reference ms (p10–p90) | × reference | HTML KB "
        "| peak MB |", "|---|---:|---:|---:|---:|---:|"]
    for key, label in LABELS.items():
        page, page_median = cell(key)
        ref, ref_median = cell("ref:" + key)
        mb, kb = memory[key]
        lines.append(f"| {label} | {page} | {ref} | {page_median / ref_median:.1f} | "
                     f"{kb:.0f} | {mb:.0f} |")
    lines += [f"| submit homework (POST, new submission) | {cell('submit')[0]} | | | | |", "",
              f"Peak RSS of the whole benchmark process (seeding included): {rss:.0f} MB."]
    print("\n".join(lines))
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", "\n".join(lines))
    return 0


def write_section(target, table):
    """Replace only this benchmark's section (between its markers) of the file."""
    text = target.read_text() if target.exists() else ""
    section = f"{MARKER}\n{table}\n{END}"
    if MARKER not in text:
        target.write_text(text.rstrip() + "\n\n" + section + "\n")
        return
    head, rest = text.split(MARKER, 1)
    if END in rest:
        tail = rest.split(END, 1)[1]
    else:  # the section ran to the next benchmark's marker, or to the end
        cut = rest.find("<!-- bench:")
        tail = "\n\n" + rest[cut:] if cut >= 0 else "\n"
    target.write_text(head + section + tail)


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    parser.add_argument("--cpu", action="store_true",
                        help="time the process's CPU (steadier on a shared machine)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main(arguments(sys.argv[1:])))
