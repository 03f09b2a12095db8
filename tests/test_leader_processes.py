"""One scheduler at a time, with real processes: a standby takes over from a leader killed
with SIGKILL and runs the next jobs, none of them twice; `learnclub scheduler` refuses an
unmigrated database; two `learnclub db upgrade` at once run one after the other.

The processes run on the real clock (nothing moves a running process's clock): these tests
compare times the processes wrote with each other, never with a date."""
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from learnclub import heartbeat, jobs, schema
from learnclub.db import connection
from learnclub.models.ops import SchedulerLease
from tests.conftest import POSTGRES_URL
from tests.test_migrations import empty_database  # noqa: F401 - a fixture: fresh databases

LEARNCLUB = Path(sys.executable).with_name("learnclub")
LEASE_SECONDS = 3  # takeover within 3 + 1 s
NOT_MIGRATED = "the database is not migrated: run `learnclub db upgrade`"


def _env(url, tmp_path):
    return dict(os.environ, LEARNCLUB_DATABASE_URL=url, LEARNCLUB_INSTANCE_DIR=str(tmp_path),
                LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"))


def _start_scheduler(env, log_path):
    """A `learnclub scheduler` with a short lease, its stderr (what it says) in `log_path`."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [str(LEARNCLUB), "scheduler", "--lease-seconds", str(LEASE_SECONDS)], env=env,
            stdout=subprocess.DEVNULL, stderr=log)


def _wait_for(what, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what.__doc__}")


def _runs():
    with connection():
        return {name: (row.runs, row.last_runner, row.last_started_at)
                for name, row in heartbeat.runs().items()}


def _holder():
    with connection():
        row = SchedulerLease.get_or_none(SchedulerLease.name == "scheduler")
    return row.holder if row else None


@pytest.mark.real_time
def test_a_standby_takes_over_from_a_killed_leader_and_runs_no_job_twice(
        app, database_url, tmp_path, clock):
    clock.release()
    env = _env(database_url, tmp_path)
    a = _start_scheduler(env, tmp_path / "a.log")
    b = None
    try:
        def a_leads_and_ran_every_job():
            """the first scheduler leads and has run every job once"""
            runs = _runs()
            return set(runs) == set(jobs.JOBS) and _holder()
        leader_a = _wait_for(a_leads_and_ran_every_job, 20)
        b = _start_scheduler(env, tmp_path / "b.log")

        def b_stands_by():
            """the second scheduler says it stands by"""
            return re.search(r"Standing by as (\S+): ", (tmp_path / "b.log").read_text())
        leader_b = _wait_for(b_stands_by, 20).group(1)
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)
        killed, before = time.monotonic(), _runs()

        _wait_for(lambda: _holder() == leader_b, LEASE_SECONDS * 4 / 3 + 3)
        took_over = time.monotonic() - killed

        def b_ran_send_posts():
            """the standby ran send_posts (every 15 s) after taking over"""
            return _runs()["send_posts"][1] == leader_b
        _wait_for(b_ran_send_posts, 20)
        after = _runs()
    finally:
        for process in (a, b):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)

    assert leader_a != leader_b
    assert {runner for _runs, runner, _at in before.values()} == {leader_a}  # b ran nothing
    assert took_over <= LEASE_SECONDS * 4 / 3 + 3
    # b ran send_posts when it was next due: one interval after a's last run of it
    assert after["send_posts"][0] == before["send_posts"][0] + 1
    assert after["send_posts"][2] - before["send_posts"][2] >= timedelta(seconds=15)
    # the jobs a ran less than their interval ago were not run again on the takeover
    slow = {name for name, (_job, interval) in jobs.JOBS.items() if interval >= 60}
    assert {name: after[name] for name in slow} == {name: before[name] for name in slow}
    assert b.returncode == 0  # SIGTERM: b finished, gave the lease up and left
    assert "Leading the scheduler as " + leader_b in (tmp_path / "b.log").read_text()


def test_the_scheduler_refuses_an_unmigrated_database_in_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    result = subprocess.run([str(LEARNCLUB), "scheduler"], env=_env(url, tmp_path),
                            capture_output=True, text=True, timeout=60)

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.strip().splitlines()[-1] == NOT_MIGRATED


def _upgrade(url, tmp_path):
    return subprocess.Popen([str(LEARNCLUB), "db", "upgrade"], env=_env(url, tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_upgrade_waits_while_another_holds_the_schema_lock(empty_database, tmp_path):  # noqa: F811
    database = empty_database()
    url = _url(database)
    with database.connection_context(), schema.upgrade_lock():
        waiting = _upgrade(url, tmp_path)
        time.sleep(3)
        still_waiting = waiting.poll() is None
        pending = len(schema.pending())
    out, err = waiting.communicate(timeout=60)

    names = [m.name for m in schema.runner().migrations()]
    assert (still_waiting, pending) == (True, len(names))
    assert (waiting.returncode, out.splitlines()) == (0, [
        "Another `learnclub db upgrade` is running on this database; waiting for it.",
        "Applied: " + ", ".join(names)]), err


def test_two_upgrades_at_once_run_one_after_the_other(empty_database, tmp_path):  # noqa: F811
    database = empty_database()
    url = _url(database)

    both = [_upgrade(url, tmp_path) for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in both]

    names = [m.name for m in schema.runner().migrations()]
    assert [code for code, _out, _err in results] == [0, 0], results
    last_lines = sorted(out.splitlines()[-1] for _code, out, _err in results)
    assert last_lines == ["Applied: " + ", ".join(names), "Database is up to date."]
    with database.connection_context():
        assert schema.pending() == []


def _url(database):
    """The URL of a database the empty_database fixture made."""
    if database.database.endswith(".db"):
        return f"sqlite:///{database.database}"
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + database.database
