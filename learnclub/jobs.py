"""Time-driven side effects, thin: each job asks the domain what is due at `now` and does it.

Jobs are idempotent (the outbox has a unique key per message and every send is claimed
first), so running one twice, late, or from two scheduler processes at once does no harm.
The scheduler runs in one process at a time: `learnclub scheduler`, or embedded in `learnclub
serve`; whichever holds the scheduler lease (leader.py) runs the jobs, any other stands by.
"""
import atexit
import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from learnclub import clock, heartbeat, logs
from learnclub.db import connection, retry_locked
from learnclub.domain import files as stored_files
from learnclub.domain.cases import announcements
from learnclub.domain.cases import sync as content_sync
from learnclub.domain.homework import images as homework_images
from learnclub.domain.participation import readmission as membership
from learnclub.domain.participation import reminders
from learnclub.domain.participation import sweep as participation
from learnclub.domain.reach import chat_posts, daily_digest, digests, mail_footer, outbox
from learnclub.domain.reach import preferences as mail_preferences
from learnclub.domain.sharing import archive as sharing_archive
from learnclub.domain.sharing import calendar as sharing_calendar
from learnclub.domain.sharing import reminders as sharing_reminders
from learnclub.leader import Leader
from learnclub.outbound import chat
from learnclub.outbound import mail as mailer

log = logging.getLogger("learnclub.jobs")


#: how long one send_outbox run may keep taking batches (the job runs every 30 s, coalesced)
OUTBOX_BUDGET_SECONDS = 50
OUTBOX_BATCH = 50


def send_outbox(settings, *, now):
    """Send every due outbox mail once, as its reader wants it: sent, held for the daily
    digest, dropped (marked "off") or, if no longer wanted, skipped. Takes batch after batch
    until nothing is due or the time budget is spent. Returns (sent, failed) counts."""
    sent = failed = 0
    started = time.monotonic()
    while time.monotonic() - started < OUTBOX_BUDGET_SECONDS:
        messages = outbox.due_messages(now=now, limit=OUTBOX_BATCH)
        batch = _send_outbox_batch(settings, messages, now=now)
        if batch is None:
            break
        sent, failed = sent + batch[0], failed + batch[1]
        if len(messages) < OUTBOX_BATCH:
            break  # that was the last of them
    return sent, failed


def _send_outbox_batch(settings, messages, *, now):
    """One batch, over one SMTP connection; None when nothing in it could be claimed."""
    with mailer.Sender(settings["MAIL_URL"], sender=settings["MAIL_FROM"]) as connection:
        return _send_claimed(settings, messages, connection, now=now)


def _send_claimed(settings, messages, connection, *, now):
    sent = failed = claimed = 0
    readers = mail_preferences.readers({m.user_id for m in messages if m.user_id})
    for message in messages:
        if not outbox.claim_message(message, now=now):
            continue  # another sender has it
        claimed += 1
        user, prefs = readers.get(message.user_id, (None, {}))
        verdict = mail_preferences.decide(message, prefs)
        if verdict == "drop":
            outbox.mark_sent(message, now=now, outcome="off")
        elif verdict == "hold":
            outbox.hold_message(message)
        elif not outbox.still_wanted(message, now=now):
            outbox.mark_sent(message, now=now, outcome="skipped")
        elif _deliver(settings, connection, message, user, now=now):
            sent += 1
        else:
            failed += 1
    return (sent, failed) if claimed else None


def _deliver(settings, connection, message, user, *, now):
    """Send one claimed mail with its footer (links for its reader); False if it failed."""
    footer, headers = ("", None) if user is None else mail_footer.footer_for(
        message, user, secret=settings["SECRET_KEY"], base_url=settings["BASE_URL"])
    try:
        connection.send(message, footer=footer, headers=headers)
    except Exception as exc:  # noqa: BLE001 - any delivery failure is retried later
        log.warning("mail %s to %s failed: %s", message.key, message.to_addr, exc)
        outbox.mark_failed(message, exc, now=now)
        return False
    outbox.mark_sent(message, now=now)
    return True


def send_daily_digests(settings, *, now):
    """Bundle the mails people get once a day into one mail each, from 08:00 their time."""
    return daily_digest.send_daily_digests(
        now=now, default_zone=settings.get("DEFAULT_TIMEZONE", "Asia/Shanghai"))


def sync_content(settings, *, now):
    """Import changed case files from the content folder. Returns how many cohorts changed."""
    reports = content_sync.sync_all(settings["CONTENT_DIR"], now=now,
                                    by=content_sync.SyncBy.SCHEDULER)
    for report in reports:
        for problem in report.problems:
            log.warning("content %s: %s", report.cohort, problem.message)
    return sum(report.changed for report in reports)


def announce_cases(settings, *, now):
    """Mail members about cases that have come out. Returns how many cases were announced."""
    return announcements.announce_cases(now=now, base_url=settings["BASE_URL"])


def warn_dry_queues(settings, *, now):
    """Warn hosts whose case queue runs dry. Returns how many cohorts were warned."""
    return announcements.warn_dry_queues(now=now, base_url=settings["BASE_URL"])


def send_activity_digests(settings, *, now):
    """Batch comments, feedback and featured picks into one mail per person."""
    return digests.send_activity_digests(now=now, base_url=settings["BASE_URL"])


def send_reminders(settings, *, now):
    """Remind learners who have not written, at the cohort's offsets before due."""
    return reminders.send_reminders(now=now, base_url=settings["BASE_URL"])


def sweep_participation(settings, *, now):
    """Record misses and removals whose time has come. Returns (misses, removals)."""
    plans = participation.sweep_all(now=now, base_url=settings["BASE_URL"])
    return (sum(len(p.new_misses) for p in plans), sum(len(p.removals) for p in plans))


def expire_seat_offers(settings, *, now):
    """Pass unanswered waitlist offers on to the next applicant."""
    return membership.expire_seat_offers(now=now, base_url=settings["BASE_URL"])


def generate_share_slots(settings, *, now):
    """Keep every cohort's weekly sharing slots generated the configured weeks ahead."""
    return sharing_calendar.generate_all_slots(now=now)


def hold_share_sessions(settings, *, now):
    """Hold (and number, 第N期) every session that ended with a confirmed guest."""
    return sharing_archive.hold_ended_sessions(now=now)


def send_sharing_reminders(settings, *, now):
    """Remind guests 7 days and 2 hours before their talk, members on the day."""
    return sharing_reminders.send_sharing_reminders(now=now, base_url=settings["BASE_URL"])


def post_homework_due(settings, *, now):
    """Post "due soon" with who has not written to the chat groups that want it."""
    return chat_posts.post_due_soon(now=now, base_url=settings["BASE_URL"])


def post_guest_week(settings, *, now):
    """Post this week's guest to the chat groups that want it: the day before, on the day."""
    return chat_posts.post_guest_weeks(now=now, base_url=settings["BASE_URL"])


def drop_orphaned_files(settings, *, now):
    """Delete stored files no row points at any more (left when a case or a user was deleted),
    once older than files.ORPHAN_GRACE, and homework pictures never submitted (pending
    longer than images.PENDING_KEPT) with them. Returns how many files."""
    homework_images.drop_stale_pending(now=now)
    return stored_files.drop_orphans(now=now)


def _try_post(message, timeout, allow_private):
    """Deliver one post in a worker thread (no database work); the error text, or None."""
    try:
        chat.deliver(message, timeout=timeout, allow_private=allow_private)
    except Exception as exc:  # noqa: BLE001 - any failure is retried later
        return str(exc) or type(exc).__name__
    return None


def _record_post(message, error, *, now):
    """Settle one delivered post at once: sent, or failed and due again later."""
    if error is None:
        outbox.mark_sent(message, now=now)
    else:
        log.warning("chat post %s (hook %s) failed: %s", message.key, message.hook_id, error)
        outbox.mark_failed(message, error, now=now)


def send_posts(settings, *, now):
    """Send due chat-group posts once each, at most chat_posts.POSTS_PER_MINUTE per robot a
    minute (the rest wait): claimed here, delivered side by side (a slow endpoint holds up no
    other), each result recorded here the moment it is known. Returns (sent, failed) counts.

    Every post has CHAT_TIMEOUT seconds of wall clock in all, so a batch finishes well within
    its claim even if every endpoint hangs or drips."""
    timeout = float(settings["CHAT_TIMEOUT"])
    allow_private = bool(settings.get("CHAT_ALLOW_PRIVATE"))
    rounds = max(1, int(outbox.CLAIM_FOR.total_seconds() // (2 * timeout)))
    claimed = [m for m in chat_posts.due_posts(now=now, limit=min(50, 8 * rounds))
               if outbox.claim_message(m, now=now)]
    claimed = chat_posts.attach_hooks(claimed)
    if not claimed:
        return 0, 0
    errors = []
    with ThreadPoolExecutor(max_workers=min(8, len(claimed))) as pool:
        running = {pool.submit(_try_post, m, timeout, allow_private): m for m in claimed}
        for done in as_completed(running):
            errors.append(done.result())
            _record_post(running[done], errors[-1], now=now)
    return errors.count(None), len(errors) - errors.count(None)


#: name -> (job, interval in seconds when scheduled), in the order run_due runs them
JOBS = {
    "sync_content": (sync_content, 60),
    "announce_cases": (announce_cases, 60),
    "warn_dry_queues": (warn_dry_queues, 3600),
    "send_activity_digests": (send_activity_digests, 600),
    "send_reminders": (send_reminders, 300),
    "post_homework_due": (post_homework_due, 300),
    "sweep_participation": (sweep_participation, 300),
    "expire_seat_offers": (expire_seat_offers, 600),
    "generate_share_slots": (generate_share_slots, 3600),
    "hold_share_sessions": (hold_share_sessions, 300),
    "send_sharing_reminders": (send_sharing_reminders, 300),
    "post_guest_week": (post_guest_week, 300),
    "send_daily_digests": (send_daily_digests, 3600),
    "drop_orphaned_files": (drop_orphaned_files, 86400),
    "send_outbox": (send_outbox, 30),  # before the robots: no post can hold up a mail
    "send_posts": (send_posts, 15),
}


def run_job(settings, name, *, now):
    """Run one job for the instant `now`, on a connection of its own. A job the database is
    too busy for (SQLite's write lock held by a request or another process) waits and runs
    again from the start, for about a minute, instead of dying until its next turn; jobs are
    idempotent, so what a failed try did already is not done twice. Each run leaves its
    heartbeat (start, success or error, duration) in `job_run` (heartbeat.py)."""
    job, _interval = JOBS[name]
    with connection(), heartbeat.recorded(name):
        return logs.job_summary(name, retry_locked(job))(settings, now=now)


def run_due(settings, *, now):
    """Run every job once for the instant `now`, each on its own: one that fails (a chat
    robot, say) stops none of the others. Returns {job name: result}; if any failed, raises
    the first failure once all have run."""
    results, failures = {}, []
    for name in JOBS:
        try:
            results[name] = run_job(settings, name, now=now)
        except Exception as exc:  # noqa: BLE001 - raised again below, after the others ran
            log.exception("job %s failed", name)
            failures.append(exc)
    if failures:
        raise failures[0]
    return results


def _run_scheduled(settings, name, leader=None):
    if leader is None or leader.holds():  # the lease may have gone since the last beat
        run_job(settings, name, now=clock.now())


def build_scheduler(settings, *, background, leader=None):
    """An APScheduler running every job at its interval (coalesced, one instance at a time);
    with a `leader` (leader.py), only while it holds the scheduler lease: start it paused."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    for name, (_job, interval) in JOBS.items():
        scheduler.add_job(_run_scheduled, "interval", seconds=interval,
                          args=(settings, name, leader), id=name, coalesce=True,
                          max_instances=1, misfire_grace_time=None, next_run_time=clock.now())
    if leader is not None:
        leader.drive(scheduler, {name: interval for name, (_job, interval) in JOBS.items()})
    return scheduler


def init_app(app):
    """Embed the scheduler only in the single-process dev server (`learnclub serve`)."""
    if app.config.get("EMBED_SCHEDULER"):
        leader = Leader()  # a `learnclub scheduler` on the same database stands by, or it does
        scheduler = build_scheduler(dict(app.config), background=True, leader=leader)
        scheduler.start(paused=True)
        leader.start()
        atexit.register(leader.release)
        app.extensions["scheduler"] = scheduler
