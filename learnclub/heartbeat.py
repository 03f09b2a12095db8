"""What each job did last: one `job_run` row per job (runs, last start, success, error and
duration), written around every run by `jobs.run_job` whoever runs it (the scheduler, the
dev server's embedded one, `learnclub jobs run-due`), read by /healthz, the admin page and a
scheduler taking over the lease (leader.py), which runs each job when it is next due.

Times are when the run really happened (`clock.now()`), not the instant a job was run for.
"""
import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import timedelta

from learnclub import clock
from learnclub.db import retry_locked
from learnclub.models.ops import JobRun

log = logging.getLogger("learnclub.heartbeat")

#: the longest error text kept
ERROR_CHARS = 2000
_identities = {}


def identity():
    """This process, as "host:pid:random": the random part tells apart two processes with
    the same host name and pid (containers), the pid a process from its forked children."""
    pid = os.getpid()
    if pid not in _identities:
        _identities[pid] = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:6]}"
    return _identities[pid]


@contextlib.contextmanager
def recorded(job):
    """Record a run of `job` around the block: its start, then its success or its error
    (raised again). Runs on the caller's connection."""
    started, ticking = clock.now(), time.monotonic()
    retry_locked(_record_start)(job, started, identity())
    try:
        yield
    except Exception as exc:
        _quietly(_record_error, job, f"{type(exc).__name__}: {exc}", _ms(ticking))
        raise
    _quietly(_record_success, job, _ms(ticking))


def _ms(ticking):
    return round((time.monotonic() - ticking) * 1000)


def _quietly(record, *args):
    """A heartbeat that cannot be written after the job is logged, never fails the job."""
    try:
        retry_locked(record)(*args)
    except Exception:  # noqa: BLE001 - the job's own outcome matters more
        log.exception("could not record the heartbeat of job %s", args[0])


def _record_start(job, at, runner):
    (JobRun.insert(job=job, runs=1, last_runner=runner, last_started_at=at)
     .on_conflict(conflict_target=[JobRun.job],
                  update={JobRun.runs: JobRun.runs + 1, JobRun.last_runner: runner,
                          JobRun.last_started_at: at})
     .execute())


def _record_success(job, duration_ms):
    (JobRun.update(last_succeeded_at=clock.now(), last_duration_ms=duration_ms)
     .where(JobRun.job == job).execute())


def _record_error(job, text, duration_ms):
    (JobRun.update(last_error=text[:ERROR_CHARS], last_error_at=clock.now(),
                   last_duration_ms=duration_ms)
     .where(JobRun.job == job).execute())


def runs():
    """{job name: its JobRun row} for every job that ever started."""
    return {row.job: row for row in JobRun.select()}


def is_failing(row):
    """The job's last run failed (its last error is newer than its last success)."""
    return row.last_error_at is not None and (
        row.last_succeeded_at is None or row.last_error_at >= row.last_succeeded_at)


def due_times(intervals, *, now):
    """{job: when it is next due}, by its last start in any process: a job never run, or
    overdue, is due `now`; none is put further than one interval ahead (a start stamped by a
    clock that ran fast)."""
    started = {name: row.last_started_at for name, row in runs().items()}
    due = {}
    for name, seconds in intervals.items():
        interval = timedelta(seconds=seconds)
        last = started.get(name)
        due[name] = now if last is None else min(max(now, last + interval), now + interval)
    return due
