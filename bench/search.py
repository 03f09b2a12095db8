"""Benchmark: search (learnclub.domain.search) over 100,000 homework texts, on SQLite or
PostgreSQL.

Seeds a throw-away database (a temporary SQLite file, or a PostgreSQL database of its own,
dropped at the end) with one cohort, 200 cases and ROWS submissions of 300–800 characters of
Chinese and English, drawn with a fixed seed from a word list with Zipf-like weights (a few
words in most texts, many in few), then times `search()` as the host (who may read every
submission) for one-, two- and four-character Chinese terms and English words, common,
rare and absent, beside a bare reference: one indexed SELECT of a page of the cohort's
newest submissions. Every query runs once per round, rounds interleaved; prints median,
p10 and p90 in ms, and the index's size per 10,000 texts.

Run: `.venv/bin/python -m bench.search --backend sqlite|postgres [--rows 100000]
[--runs 15] [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres] [--keep PATH]`.
With `--keep` (a file for SQLite, a database name for PostgreSQL) the seeded database is
kept there and reused by the next run with the same `--keep` instead of seeding again (the
rows it holds are the ones counted; delete it to seed afresh).
"""
import argparse
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from learnclub import schema
from learnclub.db import bind, db
from learnclub.domain.search import grams
from learnclub.domain.search.queries import search
from learnclub.models import Case, Cohort, Membership, Submission, User

CASES = 200
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ZH = ["社群", "运营", "学习", "方法", "作业", "案例", "复盘", "用户", "增长", "团购",
      "社区", "私域流量", "冷启动", "团长", "分享", "规则", "活动", "转化", "留存", "内容",
      "我们", "他们", "一个", "这个", "因为", "所以", "但是", "如果", "需要", "可以",
      "已经", "通过", "自己", "时间", "问题", "成员", "群主", "打卡", "积分", "反馈",
      "讨论", "目标", "习惯", "激励", "价值", "信任", "口碑", "裂变", "渠道", "数据",
      "指标", "实验", "迭代", "产品", "服务", "体验", "场景", "需求", "痛点", "门槛",
      "节奏", "氛围", "话题", "直播", "课程", "老师", "同学", "读书", "写作", "思考",
      "总结", "计划", "执行", "坚持", "放弃", "篝火", "灯塔"]
EN = ["the", "community", "growth", "loop", "learning", "homework", "case", "study",
      "retention", "referral", "content", "user", "group", "host", "feedback", "weekly",
      "sharing", "review", "metric", "funnel", "onboarding", "habit", "trust", "experiment",
      "iteration", "channel", "campaign", "cohort", "streak", "badge", "nudge"]
#: rare words: each in about one text in a thousand
RARE = ["鲸落萤火", "zeitgeist"]
PUNCT = "，。、；：！？"
QUERIES = [  # (label, query)
    ("zh 1 char, common", "群"), ("zh 1 char, rare", "萤"), ("zh 2 chars, common", "社群"),
    ("zh 2 chars, rare", "鲸落"), ("zh 2 chars, absent", "量子"),
    ("zh 4 chars, common", "私域流量"), ("zh 4 chars, rare", "鲸落萤火"),
    ("zh 4 chars, absent", "社群量子"), ("en 1 char", "k"), ("en word, common", "community"),
    ("en word, rare", "zeitgeist"), ("en word, absent", "quantum"), ("en 4 chars", "loop"),
    ("mixed zh + en", "社群 growth"),
]


def texts(rows, seed=20261122):
    """ROWS homework texts, 300–800 characters each, the same for every run."""
    rng = random.Random(seed)
    words = ZH + EN
    weights = [1 / (rank + 1) for rank in range(len(words))]
    rng.shuffle(weights)
    for _ in range(rows):
        target, parts, size = rng.randint(300, 800), [], 0
        while size < target:
            word = rng.choices(words, weights)[0]
            word = f" {word} " if word in EN else word
            if rng.random() < 0.12:
                word += rng.choice(PUNCT)
            parts.append(word)
            size += len(word)
        text = "".join(parts)[:target]
        for word in RARE:
            if rng.random() < 0.001:
                at = rng.randint(0, len(text))
                text = f"{text[:at]}{word}{text[at:]}"
        yield text


def seed(rows):
    """The host, 500 learners, 200 cases out before NOW and `rows` submissions on them."""
    from learnclub.domain.cohorts.settings import create_cohort
    from tests.factories import default_settings
    host = User.create(email="host@bench.example", password_hash="-", display_name="群主",
                       can_host=True, created_at=NOW)
    cohort = create_cohort("bench", default_settings(name="压测社群"), actor=host,
                           now=NOW - timedelta(days=900))
    learners = max(1, -(-rows // CASES))
    start = NOW - timedelta(days=4 * CASES)
    with db.atomic():
        User.insert_many([{"email": f"l{i}@bench.example", "password_hash": "-",
                           "display_name": f"学员{i}", "created_at": start}
                          for i in range(learners)]).execute()
        users = [u.id for u in User.select(User.id).where(User.email.startswith("l"))]
        Membership.insert_many([{"cohort": cohort, "user": u, "role": "learner",
                                 "joined_at": start} for u in users]).execute()
        Case.insert_many([{"cohort": cohort, "title": f"案例 {n + 1}", "body_md": "正文",
                           "homework_prompt": "?", "publish_at": start + timedelta(days=4 * n),
                           "publish_fixed": True, "queue_position": n, "created_at": start,
                           "updated_at": start} for n in range(CASES)]).execute()
    cases = [c.id for c in Case.select(Case.id).order_by(Case.id)]
    batch = []
    for n, body in enumerate(texts(rows)):
        when = start + timedelta(days=4 * (n % CASES), hours=5)
        batch.append({"case": cases[n % CASES], "user": users[n // CASES], "body_md": body,
                      "length": len(body), "submitted_at": when, "updated_at": when})
        if len(batch) == 2000 or n == rows - 1:
            with db.atomic():
                Submission.insert_many(batch).execute()
            batch = []
    return cohort, host


def index_bytes():
    """(bytes of the search index, bytes of the submission table): the grams FTS5 tables on
    SQLite (dbstat), the GIN indexes on PostgreSQL."""
    if grams.is_sqlite():
        size = "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?"
        return (db.execute_sql(size, ("%grams%",)).fetchone()[0],
                db.execute_sql(size, ("submission",)).fetchone()[0])
    return (db.execute_sql("SELECT sum(pg_relation_size(oid)) FROM pg_class "
                           "WHERE relname LIKE %s", ("%\\_grams",)).fetchone()[0],
            db.execute_sql("SELECT pg_table_size('submission')").fetchone()[0])


def bare_page(cohort):
    """The reference: one page of the cohort's newest submissions, by index."""
    return list(Submission.select(Submission.id, Submission.body_md).join(Case)
                .where(Case.cohort == cohort).order_by(Submission.id.desc()).limit(31))


def newest_page():
    """A second reference: the newest page of submissions by primary key alone. (On SQLite
    the cohort's page above sorts every row of the cohort, so it grows with the table.)"""
    return list(Submission.select(Submission.id, Submission.body_md)
                .order_by(Submission.id.desc()).limit(31))


def measure(cohort, host, runs):
    """({label: [ms]}, {label: [CPU ms]}) over `runs` interleaved rounds; {label: results
    found}."""
    calls = {"bare: a page of submissions by cohort": lambda: bare_page(cohort),
             "bare: the newest page by id": newest_page}
    for label, query in QUERIES:
        calls[f"{label}: `{query}`"] = (
            lambda q=query: search(cohort, q, reader=host, now=NOW))
    found = {label: call() for label, call in calls.items()}  # warm-up round
    times = {label: [] for label in calls}
    cpu = {label: [] for label in calls}
    for _ in range(runs):
        for label, call in calls.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            times[label].append((time.perf_counter() - started) * 1000)
            cpu[label].append((time.process_time() - cpu_started) * 1000)
    return (times, cpu), {k: len(getattr(v, "results", v)) for k, v in found.items()}


def report(backend, rows, measured, found, sizes, seconds):
    times, cpu = measured
    index, table = (float(n) for n in sizes)
    print(f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
          f"({platform.processor() or platform.node()}), Python {platform.python_version()}, "
          f"{backend}, {rows:,} texts, {len(next(iter(times.values())))} interleaved rounds; "
          f"seeding + indexing {seconds['seed']:.0f} s + {seconds['index']:.0f} s; load "
          f"average {os.getloadavg()[0]:.1f}.\n")
    print("CPU ms: this process's (SQLite works in it; PostgreSQL's server work is not in "
          "it), steadier than wall time on a shared machine.\n")
    print("| query | shown | median ms | p10 | p90 | CPU ms median |\n"
          "|---|---:|---:|---:|---:|---:|")
    for label, ms in times.items():
        deciles = statistics.quantiles(ms, n=10)
        print(f"| {label} | {found[label]} | {statistics.median(ms):.1f} | "
              f"{deciles[0]:.1f} | {deciles[-1]:.1f} | {statistics.median(cpu[label]):.1f} |")
    per = 10_000 / rows / 2**20
    print(f"\nIndex: {index * per:.1f} MB per 10,000 texts (the submissions themselves: "
          f"{table * per:.1f} MB per 10,000).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres-url",
                        default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", metavar="PATH",
                        help="keep the seeded database there (SQLite: a file; PostgreSQL: a "
                             "database name) and reuse it when it is there already")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, _Database(args, folder) as url:
        database = bind(url)
        with database.connection_context():
            schema.upgrade()
            kept = _kept()
            if kept is not None:
                cohort, host, rows = kept
                print(f"Reusing the {rows:,} texts seeded in {args.keep}.")
                times, found = measure(cohort, host, args.runs)
                report(args.backend, rows, times, found, index_bytes(),
                       {"seed": 0, "index": 0})
                return
            started = time.perf_counter()
            if not grams.is_sqlite():  # build the GIN index once, after the rows are in
                database.execute_sql('DROP INDEX "submission_grams"')
            cohort, host = seed(args.rows)
            seeded = time.perf_counter()
            grams.refresh()  # SQLite: the grams of every new row
            if not grams.is_sqlite():
                database.execute_sql("SET maintenance_work_mem = '512MB'")
                database.execute_sql('CREATE INDEX "submission_grams" ON "submission" '
                                     f"USING gin (lc_grams({grams.text_sql('submission')}))")
                database.execute_sql("VACUUM ANALYZE")
            seconds = {"seed": seeded - started, "index": time.perf_counter() - seeded}
            times, found = measure(cohort, host, args.runs)
            report(args.backend, args.rows, times, found, index_bytes(), seconds)
        database.close()


def _kept():
    """(cohort, host, texts) of a database seeded by an earlier run with --keep, or None."""
    host = User.get_or_none(User.email == "host@bench.example")
    if host is None:
        return None
    cohort = Cohort.get(Cohort.slug == "bench")
    return cohort, host, Submission.select().count()


class _Database:
    """A throw-away database URL: a file in `folder`, or a PostgreSQL database of its own;
    with --keep, that file or database, made the first time and kept."""

    def __init__(self, args, folder):
        self.args, self.folder, self.name = args, folder, None

    def __enter__(self):
        keep = self.args.keep
        if self.args.backend == "sqlite":
            return f"sqlite:///{Path(keep) if keep else Path(self.folder) / 'search.db'}"
        self.name = keep or f"learnclub_bench_search_{uuid.uuid4().hex[:8]}"
        import psycopg
        with psycopg.connect(self.args.postgres_url, autocommit=True) as admin:
            there = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (self.name,)).fetchone()
        if not there:
            self._admin("CREATE DATABASE")
        return self.args.postgres_url.rsplit("/", 1)[0] + "/" + self.name

    def __exit__(self, *exc):
        if self.name and not self.args.keep:
            self._admin("DROP DATABASE IF EXISTS", " WITH (FORCE)")

    def _admin(self, verb, tail=""):
        import psycopg
        with psycopg.connect(self.args.postgres_url, autocommit=True) as admin:
            admin.execute(f'{verb} "{self.name}"{tail}')


if __name__ == "__main__":
    main()
