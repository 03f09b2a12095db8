"""Homework reminders: at the cohort's offsets before due, only to active learners who have
not written and are not excused, once per case and offset (the outbox key)."""
import re
from datetime import timedelta

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.participation.missing_list import still_to_write
from learnclub.domain.reach import notices, outbox
from learnclub.models import Case, Cohort, Excuse, Membership, Submission


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


REMINDER_KEY = re.compile(r"case:(\d+):reminder:\d+h:member:(\d+)$")  # notices.mail_reminder


@outbox.recheck(REMINDER_KEY)
def reminder_still_wanted(message, *, now):
    """Checked when the outbox sends a reminder: the learner is still an active learner of
    the case's cohort, has not written and is not excused."""
    case_id, user_id = (int(n) for n in REMINDER_KEY.match(message.key).groups())
    case = Case.get_or_none(Case.id == case_id)
    if case is None or not Membership.active_learners(case.cohort_id).where(
            Membership.user == user_id).exists():
        return False
    done = (Submission.select().where((Submission.case == case_id)
                                      & (Submission.user == user_id)).exists()
            or Excuse.select().where((Excuse.case == case_id)
                                     & (Excuse.user == user_id)).exists())
    return not done
