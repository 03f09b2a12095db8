"""Never "database is locked" on SQLite: writers from several threads and processes at once,
a job that meets the write lock, a write after a half-read query."""
import logging
import multiprocessing
import shutil
import sqlite3
import threading
from datetime import timedelta

import pytest

from learnclub import jobs
from learnclub.db import bind, db, write_transaction
from learnclub.domain.homework.feedback import add_comment
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Case, Cohort, Comment, ShareSlot, Submission, User
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import phase

PROCESSES, THREADS, ROUNDS = 2, 8, 4


def _body(user_id, round_):
    return f"学员 {user_id} 的作业，第 {round_} 稿：先看数据，再定动作。"


def _learner(case_id, user_id, others, now):
    """One learner's writes: submit then edit, and comment on others' homework, each round.
    Returns (acknowledged writes, errors)."""
    acked, errors = [], []
    with db.connection_context():
        case, user = Case.get_by_id(case_id), User.get_by_id(user_id)
        for round_ in range(ROUNDS):
            at = now + timedelta(seconds=round_)
            try:
                submission, _created = submit_homework(case, user, _body(user_id, round_), now=at)
                acked.append(("submission", submission.id, _body(user_id, round_)))
                target = Submission.get_by_id(others[round_ % len(others)])
                text = f"{user_id} 评论第 {round_} 轮"
                acked.append(("comment", add_comment(target, user, text, now=at).id, text))
            except Exception as exc:  # noqa: BLE001 - the test counts every failure
                errors.append(f"{type(exc).__name__}: {exc}")
    return acked, errors


def _process(url, case_id, user_ids, others, now):
    """One process (spawned: nothing inherited) of THREADS learners writing at once."""
    database = bind(url)
    results = [None] * len(user_ids)

    def run(i):
        results[i] = _learner(case_id, user_ids[i], others, now)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(user_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    database.close_all()
    return ([write for acked, _ in results for write in acked],
            [error for _, errors in results for error in errors])


@pytest.fixture
def database_url(sqlite_template, tmp_path):
    """SQLite only here: the write lock is SQLite's (PostgreSQL locks rows)."""
    path = tmp_path / "learnclub.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_app(make_app):
    return make_app()


def test_two_processes_of_eight_threads_write_homework_and_comments_without_errors(
        sqlite_app, database_url):
    cohort = make_cohort()
    learners = [make_member(cohort) for _ in range(PROCESSES * THREADS)]
    case = make_case(cohort)
    now = phase(case, "open")
    others = [submit_homework(case, learner, _body(learner.id, -1), now=now)[0].id
              for learner in learners[::3]]  # some have written already: they edit
    db.close()  # the children write; this test only reads afterwards

    ids = [learner.id for learner in learners]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        outcomes = pool.starmap(_process, [
            (database_url, case.id, ids[p::PROCESSES], others, now) for p in range(PROCESSES)])

    db.connect(reuse_if_open=True)
    errors = [error for _, errs in outcomes for error in errs]
    acked = [write for writes, _ in outcomes for write in writes]
    assert errors == []
    assert len(acked) == PROCESSES * THREADS * ROUNDS * 2
    last_body = {sid: body for kind, sid, body in acked if kind == "submission"}
    assert {s.id: s.body_md for s in Submission.select()} == last_body  # the last edits
    comments = {cid: body for kind, cid, body in acked if kind == "comment"}
    assert {c.id: c.body_md for c in Comment.select()} == comments


def _hold_write_lock(url):
    """Another connection (a request, another process) that has written and holds SQLite's
    write lock until it commits."""
    holder = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE cohort SET name = name || '·'")
    return holder


@pytest.mark.real_time
def test_a_job_that_meets_the_write_lock_waits_and_runs_again(sqlite_app, database_url,
                                                              clock, caplog):
    make_cohort()
    db.execute_sql("PRAGMA busy_timeout = 50")  # give up waiting quickly: the retry takes over
    holder = _hold_write_lock(database_url)
    release = threading.Timer(0.8, holder.commit)
    release.start()
    with caplog.at_level(logging.WARNING, logger="learnclub.db"):
        made = jobs.run_job(dict(sqlite_app.config), "generate_share_slots", now=clock.now())
    release.join()
    holder.close()

    assert made == 8 == ShareSlot.select().count()  # the default eight weeks ahead
    assert "database is locked" in caplog.text
    assert Cohort.get().name.endswith("·")  # the holder's write went in too


def test_a_write_after_a_half_read_query_is_not_refused(sqlite_app, database_url):
    """Walking a query's rows while another process writes, then writing: the walk must not
    keep an old snapshot open (SQLite refuses such a write at once, without a busy wait)."""
    for _ in range(3):
        make_cohort()
    made = []
    for cohort in Cohort.select():
        if not made:  # someone else writes while the walk is under way
            _hold_write_lock(database_url).commit()
        with write_transaction():
            made.append(make_user(display_name=f"for {cohort.slug}"))
    assert len(made) == 3
