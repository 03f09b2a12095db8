"""What the scheduler tells people about cases: new cases, and a queue running dry.

State comes from times (a case is out once its time has come: Case.is_out); these only send mail and
record that they did, so running them twice or late changes nothing.
"""
from datetime import timedelta

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.schedule import Cadence, queue_warning
from learnclub.domain.reach import chat_posts, notices, preferences
from learnclub.models import Case, Cohort, Membership, User
from learnclub.models.cohorts import MembershipStatus


def announce_cases(*, now, base_url):
    """Mail every active member (guests only if they chose to, see
    preferences.case_announcement_readers) about each case that is out and still open.
    Returns count."""
    pending = list(Case.select(Case, Cohort).join(Cohort).where(
        Case.announced_at.is_null() & Case.is_out(now)))
    announced = 0
    for case in pending:
        slot = next(s for s in schedule_of(case.cohort) if s.case.id == case.id)
        if now < slot.due_at:  # nobody needs to hear of a case whose homework is closed
            link = f"{base_url}/c/{case.cohort.slug}/cases/{case.id}"
            for member in preferences.case_announcement_readers(case.cohort):
                notices.mail_case_published(case=case, slot=slot, member=member, link=link,
                                            now=now)
            chat_posts.post_case_published(case, slot=slot, now=now, base_url=base_url)
            announced += 1
        Case.update(announced_at=now, due_shown_at=case.due_shown_at or slot.due_at).where(
            Case.id == case.id).execute()  # the due time it was mailed with is kept
    return announced


def warn_dry_queues(*, now, base_url):
    """Mail the hosts of every cohort whose queue runs dry within two max gaps. Returns count."""
    warned = 0
    active = Case.select(Case.cohort).where(
        Case.archived_at.is_null() & (Case.publish_at > now - timedelta(days=60)))
    for cohort in Cohort.select().where(Cohort.id.in_(active)):
        cadence = Cadence.of(cohort)
        dry_at = queue_warning(schedule_of(cohort), cadence, now=now)
        if dry_at is None:
            continue
        hosts = User.select().join(Membership).where(
            (Membership.cohort == cohort) & (Membership.role == "host")
            & (Membership.status == MembershipStatus.ACTIVE))
        for host in hosts:
            notices.mail_queue_dry(cohort=cohort, host=host, dry_at=dry_at, now=now,
                                   link=f"{base_url}/c/{cohort.slug}/schedule")
        warned += 1
    return warned
