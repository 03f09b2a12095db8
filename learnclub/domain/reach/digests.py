"""Batched mail about homework conversations: nobody gets a mail per comment, none per like."""
from datetime import timedelta

from peewee import JOIN

from learnclub.db import write_transaction
from learnclub.domain.reach import notices
from learnclub.models import Case, Cohort, Notification, Submission, User

#: a notification waits this long, so a burst of comments arrives as one mail
SETTLE = timedelta(minutes=10)


def send_activity_digests(*, now, base_url):
    """One mail per person with everything new since their last digest. Returns mails queued."""
    actor = User.alias()
    rows = list(Notification.select(Notification, Submission, Case, Cohort, User, actor)
                .join(Submission).join(Case).join(Cohort)
                .switch(Notification).join(User, on=Notification.user)
                .switch(Notification).join(actor, JOIN.LEFT_OUTER, on=Notification.actor)
                .where(Notification.mailed_at.is_null())
                .order_by(Notification.user, Notification.id))
    by_user = {}
    for row in rows:
        by_user.setdefault(row.user.id, []).append(row)
    queued = 0
    for items in by_user.values():
        if now - items[-1].created_at < SETTLE:
            continue  # still busy: wait until it settles
        _queue_digest(items, base_url=base_url, now=now)
        queued += 1
    return queued


def _queue_digest(items, *, base_url, now):
    user = items[0].user

    def link_for(submission):
        return (f"{base_url}/c/{submission.case.cohort.slug}/cases/{submission.case.id}"
                f"#homework-{submission.id}")

    with write_transaction():
        notices.mail_activity_digest(
            user=user, now=now, link_for=link_for,
            key=f"activity:{user.id}:{items[-1].id}",
            items=[(n.kind, n.actor.display_name if n.actor_id else "—",
                    n.submission.case.title, n.submission) for n in items])
        Notification.update(mailed_at=now).where(
            Notification.id.in_([n.id for n in items])).execute()
