"""Time-driven side effects, thin: each job asks the domain what is due at `now` and does it.

Jobs are idempotent (the outbox has a unique key per message and every send is claimed
first), so running one twice, late, or from two scheduler processes at once does no harm.
The scheduler runs in one process: `learnclub scheduler`, or embedded in `learnclub serve`.
"""
import logging

from learnclub import clock, mailer
from learnclub.db import connection
from learnclub.domain import (
    announcements,
    content_sync,
    digests,
    membership,
    outbox,
    participation,
    reminders,
    sharing_calendar,
    sharing_reminders,
)

log = logging.getLogger("learnclub.jobs")


def send_outbox(settings, *, now):
    """Send every due outbox message once. Returns (sent, failed) counts."""
    sent = failed = 0
    for message in outbox.due_messages(now=now):
        if not outbox.claim_message(message, now=now):
            continue  # another sender has it
        try:
            mailer.deliver(message, mail_url=settings["MAIL_URL"], sender=settings["MAIL_FROM"])
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried later
            log.warning("mail %s to %s failed: %s", message.key, message.to_addr, exc)
            outbox.mark_failed(message, exc, now=now)
            failed += 1
        else:
            outbox.mark_sent(message, now=now)
            sent += 1
    return sent, failed


def sync_content(settings, *, now):
    """Import changed case files from the content folder. Returns how many cohorts changed."""
    reports = content_sync.sync_all(settings["CONTENT_DIR"], now=now)
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


def send_sharing_reminders(settings, *, now):
    """Remind guests 7 days and 2 hours before their talk, members on the day."""
    return sharing_reminders.send_sharing_reminders(now=now, base_url=settings["BASE_URL"])


#: name -> (job, interval in seconds when scheduled), in the order run_due runs them
JOBS = {
    "sync_content": (sync_content, 60),
    "announce_cases": (announce_cases, 60),
    "warn_dry_queues": (warn_dry_queues, 3600),
    "send_activity_digests": (send_activity_digests, 600),
    "send_reminders": (send_reminders, 300),
    "sweep_participation": (sweep_participation, 300),
    "expire_seat_offers": (expire_seat_offers, 600),
    "generate_share_slots": (generate_share_slots, 3600),
    "send_sharing_reminders": (send_sharing_reminders, 300),
    "send_outbox": (send_outbox, 30),
}


def run_due(settings, *, now):
    """Run every job once for the instant `now`. Returns {job name: result}."""
    results = {}
    for name, (job, _interval) in JOBS.items():
        with connection():
            results[name] = job(settings, now=now)
    return results


def _run_scheduled(settings, name):
    job, _interval = JOBS[name]
    with connection():
        job(settings, now=clock.now())


def build_scheduler(settings, *, background):
    """An APScheduler running every job at its interval (coalesced, one instance at a time)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    for name, (_job, interval) in JOBS.items():
        scheduler.add_job(_run_scheduled, "interval", seconds=interval, args=(settings, name),
                          id=name, coalesce=True, max_instances=1, next_run_time=clock.now())
    return scheduler


def init_app(app):
    """Embed the scheduler only in the single-process dev server (`learnclub serve`)."""
    if app.config.get("EMBED_SCHEDULER"):
        scheduler = build_scheduler(dict(app.config), background=True)
        scheduler.start()
        app.extensions["scheduler"] = scheduler
