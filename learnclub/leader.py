"""One scheduler at a time: the scheduler lease.

Every scheduler process (`learnclub scheduler`, and the dev server's embedded one) competes
for the one row of `scheduler_lease`. Its holder renews it every third of the lease (15 s of
45 s by default); the others stand by, try to take it just as often, and get it only once it
has expired: its holder died (kill -9, a lost box), hung, or lost the database. So a standby
takes over within lease + lease/3 seconds, a minute by default. A holder stopped cleanly
(SIGTERM, Ctrl-C) lets its running jobs finish, still renewing, then gives the lease up.

Jobs run only in the holder: its APScheduler stays paused while it stands by, and each job
asks that the lease is still its own before it starts. A process that wins the lease runs
each job when it is next due by its last start in any process (heartbeat.due_times), so a
takeover runs nothing twice. A holder frozen past its lease (a suspended VM) may still end
the job it had begun while the new holder runs others; jobs are idempotent (the outbox), so
that costs work, never a second mail.

Why a lease row rather than PostgreSQL's advisory lock: the row works the same on SQLite and
PostgreSQL (one code path, tested on both); it tells /healthz and the admin page who leads
and when it last renewed; and it runs out by itself, whereas a session lock lasts as long as
its connection (a hung process with a live connection would block the takeover for ever) and
is dropped silently when a pooled connection is recycled. The times are each box's
`clock.now()`: keep the boxes' clocks in sync (NTP); the lease is as exact as they are.
"""
import contextlib
import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from learnclub import clock, heartbeat
from learnclub.db import connection
from learnclub.models.ops import SchedulerLease

log = logging.getLogger("learnclub.leader")

SCHEDULER = "scheduler"
#: how long a lease lasts unless renewed (seconds); `learnclub scheduler --lease-seconds`
LEASE_SECONDS = 45
#: /healthz answers 503 once the lease's holder has been silent this long
SILENT_AFTER = timedelta(minutes=5)


def take_or_renew(holder, *, now, lease, name=SCHEDULER):
    """Renew `holder`'s lease, or take it if it has expired; True if `holder` now has it
    until now + lease. One UPDATE decides, so two processes never both win."""
    values = {"holder": holder, "expires_at": now + lease, "heartbeat_at": now}
    mine_or_expired = (SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now)
    if SchedulerLease.update(**values).where(
            (SchedulerLease.name == name) & mine_or_expired).execute():
        return True
    SchedulerLease.insert(name=name, **values).on_conflict_ignore().execute()  # the first one
    return SchedulerLease.select().where(
        (SchedulerLease.name == name) & (SchedulerLease.holder == holder)).exists()


def holds(holder, *, now, name=SCHEDULER):
    """Whether `holder` holds the lease at `now`."""
    return SchedulerLease.select().where(
        (SchedulerLease.name == name) & (SchedulerLease.holder == holder)
        & (SchedulerLease.expires_at > now)).exists()


def release(holder, *, now, name=SCHEDULER):
    """Give the lease up at `now` (if `holder` has it): a standby takes it at its next try."""
    (SchedulerLease.update(expires_at=now)
     .where((SchedulerLease.name == name) & (SchedulerLease.holder == holder)).execute())


class Leader:
    """This process's side of the lease: beats (take or renew) every third of the lease and
    runs its scheduler only while it holds it. `say` hears every change of role."""

    def __init__(self, *, lease_seconds=LEASE_SECONDS, name=SCHEDULER, holder=None, say=None):
        self.name, self.holder = name, holder or heartbeat.identity()
        self.lease = timedelta(seconds=lease_seconds)
        self.leading = None  # None: not asked yet
        self._say = say or log.info
        self._listeners = []
        self._lease_ends = 0.0  # time.monotonic() when the lease we last got runs out
        self._stopping = threading.Event()

    @property
    def renew_every(self):
        return self.lease.total_seconds() / 3

    def beat(self):
        """Take or renew the lease once; on a change of role tell `say` and the listeners.
        While the database cannot be reached, a lease already held counts until it ends."""
        asked = time.monotonic()
        try:
            with connection():
                won = take_or_renew(self.holder, now=clock.now(), lease=self.lease,
                                    name=self.name)
        except Exception as exc:  # noqa: BLE001 - the beats go on; a new try in a while
            log.warning("scheduler lease: %s", exc)
            won = bool(self.leading) and time.monotonic() < self._lease_ends
        else:
            self._lease_ends = asked + self.lease.total_seconds() if won else 0.0
        if won is not self.leading:
            self._change(won)
        return won

    def _change(self, leading):
        self.leading = leading
        self._say(f"Leading the scheduler as {self.holder}." if leading else
                  f"Standing by as {self.holder}: another scheduler holds the lease; taking "
                  f"over once it has been silent for {self.lease.total_seconds():g} s.")
        try:
            for listener in self._listeners:
                listener(leading)
        except Exception:  # noqa: BLE001 - asked again at the next beat
            log.exception("scheduler lease: could not follow the change")
            self.leading = None

    def holds(self):
        """Whether this process holds the lease now, asked of the database (a job asks this
        before it starts)."""
        if not self.leading:
            return False
        with connection():
            return holds(self.holder, now=clock.now(), name=self.name)

    def drive(self, scheduler, intervals):
        """Run `scheduler` (to be started paused) only while leading. On taking the lease each
        job {name: interval in seconds} is first run when due by its last start anywhere."""
        def follow(leading):
            if not leading:
                scheduler.pause()
                return
            with connection():
                due = heartbeat.due_times(intervals, now=clock.now())
            for job, when in due.items():
                scheduler.modify_job(job, next_run_time=when)
            scheduler.resume()
        self._listeners.append(follow)

    def run(self):
        """Beat every third of the lease, in this thread, until `stop()`."""
        while not self._stopping.is_set():
            self.beat()
            self._stopping.wait(self.renew_every)

    def start(self):
        """`run()` in a thread of its own (the dev server's embedded scheduler)."""
        threading.Thread(target=self.run, name="scheduler-lease", daemon=True).start()

    def stop(self):
        self._stopping.set()

    def hand_over(self, scheduler):
        """Shut `scheduler` down, letting its running jobs finish while still renewing the
        lease, then give the lease up so that a standby takes over at its next try."""
        self.stop()
        self._listeners.clear()
        stopping = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True})
        stopping.start()
        stopping.join(self.renew_every)
        while stopping.is_alive():
            self.beat()
            stopping.join(self.renew_every)
        self.release()

    def release(self):
        if self.leading:
            with connection():
                release(self.holder, now=clock.now(), name=self.name)
            self.leading = False


def serve(leader, scheduler):
    """Run `scheduler` (built with `leader`, not started) in this thread until SIGTERM (a
    service manager stopping us) or Ctrl-C, then hand over: `learnclub scheduler`."""
    signal.signal(signal.SIGTERM, lambda *_: leader.stop())
    scheduler.start(paused=True)
    with contextlib.suppress(KeyboardInterrupt):
        leader.run()
    leader.hand_over(scheduler)


@dataclass
class JobStatus:
    name: str
    interval: int | None  #: seconds between runs; None: a job no longer scheduled
    run: object | None  #: its JobRun row; None: never started
    failing: bool


@dataclass
class SchedulerStatus:
    leader: str | None  #: who holds the lease now; None: nobody
    last_holder: str  #: who held it last ("" if no scheduler ever ran)
    heartbeat_at: datetime | None  #: the holder's last renewal
    silent: bool  #: a scheduler ran, and nobody has renewed the lease for SILENT_AFTER
    jobs: list[JobStatus]


def status(*, now, intervals=None, name=SCHEDULER):
    """Who leads, when the lease was last renewed, and each job's last run: the jobs in
    `intervals` {name: seconds} in its order, then any other that ever ran."""
    intervals = intervals or {}
    runs = heartbeat.runs()
    names = [*intervals, *sorted(set(runs) - set(intervals))]
    jobs = [JobStatus(job, intervals.get(job), runs.get(job),
                      job in runs and heartbeat.is_failing(runs[job])) for job in names]
    row = SchedulerLease.get_or_none(SchedulerLease.name == name)
    if row is None:
        return SchedulerStatus(None, "", None, False, jobs)
    return SchedulerStatus(row.holder if row.expires_at > now else None, row.holder,
                           row.heartbeat_at, now - row.heartbeat_at > SILENT_AFTER, jobs)


def _iso(instant):
    return instant.isoformat() if instant else None


def health(*, now):
    """The scheduler part of /healthz (no error texts: the page is public)."""
    report = status(now=now)
    return report.silent, {
        "leader": report.leader, "heartbeat_at": _iso(report.heartbeat_at),
        "silent": report.silent,
        "jobs": {job.name: {"last_started_at": _iso(job.run.last_started_at),
                            "last_succeeded_at": _iso(job.run.last_succeeded_at),
                            "last_error_at": _iso(job.run.last_error_at),
                            "failing": job.failing} for job in report.jobs if job.run}}
