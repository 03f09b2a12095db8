"""The mails about guests' talks and sharing sessions: to a talk's guest (received,
accepted, moved, declined, cancelled, a week taken by another, reminders) and to members
(tonight's talk, a session cancelled). Who gets which, under which key and preference kind;
the words are templates, as for every mail (notices.py)."""
from learnclub.db import write_transaction
from learnclub.domain.reach import inbox
from learnclub.domain.reach.notices import _send_to, local_when


def _talk_mail(name, talk, key, *, link, now, **context):
    """A mail to a talk's guest about their talk."""
    _send_to(talk.guest, name, key, now=now, list_of=talk.cohort, cohort=talk.cohort.name,
             topic=talk.topic, link=link, **context)


def mail_talk_received(*, talk, link, now):
    """The receipt for a proposed talk: it arrived, nothing is decided yet."""
    _talk_mail("talk_received", talk, f"talk:{talk.id}:received", link=link, now=now)


def _talk_news(name, talk, key, *, link, now, **context):
    """A decision about a talk: mailed to its guest and in their messages."""
    with write_transaction():
        _talk_mail(name, talk, key, link=link, now=now, **context)
        inbox.record(talk.guest_id, name, key=key, now=now, cohort=talk.cohort_id, link=link,
                     topic=talk.topic)


def mail_talk_accepted(*, talk, link, now):
    """Ask the guest to confirm the week the host gave their talk."""
    _talk_news("talk_accepted", talk, f"talk:{talk.id}:accepted", link=link, now=now,
               when=local_when(talk.slot.starts_at, talk.cohort.timezone, talk.guest.locale))


def mail_talk_moved(*, talk, link, now):
    """Tell the guest their session moved (once per change of the session, by SEQUENCE)."""
    _talk_mail("talk_moved", talk, f"talk:{talk.id}:moved:{talk.slot.sequence}", link=link,
               now=now,
               when=local_when(talk.slot.starts_at, talk.cohort.timezone, talk.guest.locale))


def mail_talk_declined(*, talk, link, now):
    """A kind note that a proposal was not taken this time."""
    _talk_news("talk_declined", talk, f"talk:{talk.id}:declined", link=link, now=now)


def mail_talk_cancelled(*, talk, link, now):
    """Tell the guest that the host cancelled their accepted talk."""
    _talk_news("talk_cancelled", talk, f"talk:{talk.id}:cancelled", link=link, now=now)


def mail_week_taken(*, talk, slot, link, now):
    """Tell a proposer that one of the weeks they asked for went to another guest."""
    _talk_mail("week_taken", talk, f"talk:{talk.id}:week-taken:{slot.id}", link=link, now=now,
               when=local_when(slot.starts_at, talk.cohort.timezone, talk.guest.locale))


def mail_talk_guest_reminder(*, talk, offset, link, now):
    """Remind a guest of their talk 7 days ("7d") or 2 hours ("2h") before: confirm it if
    not done yet, send materials."""
    _talk_mail("talk_guest_reminder", talk, f"talk:{talk.id}:reminder:{offset}:guest",
               link=link, now=now, offset=offset, to_confirm=talk.status == "accepted",
               when=local_when(talk.slot.starts_at, talk.cohort.timezone, talk.guest.locale),
               # a talk still to be confirmed needs the guest's answer: that mail always goes
               kind="" if talk.status == "accepted" else "sharing")


def mail_talk_today(*, talk, member, link, now):
    """Tell a member on the day that a guest shares tonight: topic, guest, time."""
    cohort = talk.cohort
    _send_to(member, "talk_today", f"talk:{talk.id}:reminder:day:member:{member.id}", now=now,
             kind="sharing", list_of=cohort, topic=talk.topic, guest=talk.guest.display_name,
             cohort=cohort.name, link=link,
             when=local_when(talk.slot.starts_at, cohort.timezone, member.locale))


def mail_slot_cancelled(*, slot, user, topic, concerned, link, now):
    """Tell one person that a guest sharing session is cancelled; `topic` is their talk's,
    if it was planned for it. Whom it concerns (their talk or proposal) always gets it,
    members as a sharing reminder."""
    cohort = slot.cohort
    _send_to(user, "slot_cancelled", f"slot:{slot.id}:cancelled:user:{user.id}", now=now,
             kind="" if concerned else "sharing", list_of=cohort, cohort=cohort.name,
             topic=topic, link=link,
             when=local_when(slot.starts_at, cohort.timezone, user.locale))
