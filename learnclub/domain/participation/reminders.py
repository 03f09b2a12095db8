"""Homework reminders: at the cohort's offsets before due, only to active learners who have
not written and are not excused, once per case and offset (the outbox key)."""
from datetime import timedelta

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.participation.missing_list import still_to_write
from learnclub.domain.reach import notices
from learnclub.models import Case, Cohort


def _due_reminders(cohort, now):
    """(slot, hours) pairs whose reminder time has come and whose due time has not."""
    for slot in schedule_of(cohort):
        if not (is_out_at(slot, now) and now < slot.due_at):
            continue
        for hours in sorted(cohort.reminder_offsets):  # the latest offset that has come
            if slot.due_at - timedelta(hours=hours) <= now:
                yield slot, hours
                break  # earlier offsets were sent at their time, or are moot now


def send_reminders(*, now, base_url):
    """Queue every reminder due at `now`. Returns how many mails were queued."""
    open_cohorts = Cohort.select().where(Cohort.id.in_(
        Case.select(Case.cohort).where(Case.is_out(now)
                                       & (Case.publish_at > now - timedelta(days=30)))))
    queued = 0
    for cohort in open_cohorts:
        for slot, hours in _due_reminders(cohort, now):
            for member in still_to_write(cohort, slot):
                link = f"{base_url}/c/{cohort.slug}/cases/{slot.case.id}"
                notices.mail_reminder(case=slot.case, slot=slot, member=member.user,
                                      hours=hours, link=link, now=now)
                queued += 1
    return queued

