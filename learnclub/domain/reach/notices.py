"""Who gets which mail, when, under which key and preference kind; the words are templates
(domain/reach/templates/, rendered by mail_templates.render_mail in the reader's language),
and every mail goes into the outbox as text and HTML."""
import json

from peewee import Value

from learnclub.dates import say_when
from learnclub.db import write_transaction
from learnclub.domain.participation.counting import CountedCase, id_in, reason_words
from learnclub.domain.reach import inbox, mail_templates
from learnclub.domain.reach.outbox import cohort_headers, enqueue_mail
from learnclub.i18n import translations_for
from learnclub.models import Membership, OutboxMessage, User

#: the last lines of every mail's text (what the daily digest strips from the mails it bundles)
SIGNATURE = mail_templates.SIGNATURE


#: how many people a summary of removals names (the staff mail, the chat post): the rest are
#: counted ("… and 9,950 more") and listed on the cohort's participation page
NAMED = 50

#: the mails whose text asks their reader to reply to the host: they carry Reply-To the host
REPLY_TO_HOST = frozenset({"removed", "removed_by_host", "talk_moved", "proposal_week_moved"})


def send(name, key, *, to, locale, now, user=None, kind="", list_of=None, **context):
    """Render mail `name` for one reader and queue it (once per key); a mail of a cohort
    (`list_of`) carries its List-Id and, if it asks for a reply, Reply-To its host."""
    subject, text, html = mail_templates.render_mail(name, locale, **context)
    headers = None if list_of is None else cohort_headers(
        list_of, reply_to_host=name in REPLY_TO_HOST)
    enqueue_mail(key, to_addr=to, user=user, subject=subject, body=text, html=html, now=now,
                 kind=kind, headers=headers)


def _send_to(user, name, key, *, now, kind="", list_of=None, **context):
    send(name, key, to=user.email, locale=user.locale, user=user, now=now, kind=kind,
         list_of=list_of, **context)


def local_when(instant, zone, locale):
    """A time as the reader reads it: in the cohort's zone, in their language, with the zone
    named (「12月13日 周日 20:00（北京时间）」); no distance, as a mail is read later."""
    return say_when(instant, zone, locale, with_zone=True)


def mail_signup_confirm(*, email, link, locale, now, key):
    """Mail the link that finishes a sign-up."""
    send("signup_confirm", key, to=email, locale=locale, now=now, link=link)


def mail_signup_existing(*, user, login_link, reset_link, now, key):
    """Tell an account holder that someone tried to sign up with their address."""
    _send_to(user, "signup_existing", key, now=now, login_link=login_link,
             reset_link=reset_link)


def mail_password_reset(*, user, link, now, key):
    """Mail a one-time password reset link."""
    _send_to(user, "password_reset", key, now=now, link=link)


def mail_application_decided(*, application, link, now):
    """Tell an applicant that they were admitted, rejected or put on the waitlist, by mail
    and in their messages."""
    key = f"application:{application.id}:{application.status}"
    with write_transaction():
        _send_to(application.user, "application_decided", key, now=now,
                 list_of=application.cohort,
                 status=application.status, cohort=application.cohort.name, link=link,
                 note=application.decision_message)
        inbox.record(application.user_id, f"application_{application.status}", key=key,
                     now=now, cohort=application.cohort_id, link=link,
                     excerpt=inbox.excerpt(application.decision_message))


def mail_case_published(*, case, slot, member, link, now):
    """Announce a new case to one member: title, homework prompt and due time."""
    cohort = case.cohort
    _send_to(member, "case_published", f"case:{case.id}:announce:member:{member.id}", now=now,
             kind="new_case", list_of=cohort, cohort=cohort.name, title=case.title, link=link,
             prompt=case.homework_prompt,
             due=local_when(slot.due_at, cohort.timezone, member.locale))


def mail_queue_dry(*, cohort, host, dry_at, link, now):
    """Warn a host that the case queue will run dry before the maximum gap."""
    key = f"cohort:{cohort.id}:queue-dry:{dry_at:%Y%m%d%H%M}:host:{host.id}"
    _send_to(host, "queue_dry", key, now=now, kind="digests", list_of=cohort,
             cohort=cohort.name,
             max_days=cohort.cadence_max_days,
             when=local_when(dry_at, cohort.timezone, host.locale), link=link)


def mail_activity_digest(*, user, items, link_for, now, key):
    """One mail for everything said about someone's homework since the last one.

    `items` are (kind, actor name, case title, submission) tuples; likes are never in it.
    """
    _send_to(user, "activity_digest", key, now=now, kind="feedback", items=[
        {"kind": kind, "actor": actor, "case": case, "link": link_for(submission)}
        for kind, actor, case, submission in items])


def _removed_context(cohort, locale, titles, missed, not_counted):
    """What the removal notice says to a learner reading `locale` (see mail_removed)."""
    if missed is None:
        missed = [CountedCase(None, title) for title in titles]
    tr = translations_for(locale).gettext
    return {"cohort": cohort.name,
            "cases": [{"title": c.title, "due": local_when(c.due_at, cohort.timezone, locale)
                       if c.due_at else ""} for c in missed],
            "reasons": [{"words": reason_words(reason, min_hours=cohort.min_window_hours, tr=tr),
                         "num": num} for reason, num in not_counted]}


def _removed_key(membership, now):
    # keyed on the removal's time: a learner readmitted and removed again gets a new notice
    return f"removal:membership:{membership.id}:{now:%Y%m%dT%H%M%S}"


def mail_removed(*, membership, titles, link, now, missed=None, not_counted=()):
    """Tell a learner, respectfully, that they were asked to leave, why and how to come back:
    each case that counted as missed with its due time in the cohort's zone (`missed`:
    counting.CountedCase; only `titles` without it), and how many other closed cases did not
    count and why (`not_counted`: [(counting.NotCounted, how many)] from the sweep's plan)."""
    user = membership.user
    _send_to(user, "removed", _removed_key(membership, now), now=now, link=link,
             list_of=membership.cohort,
             **_removed_context(membership.cohort, user.locale, titles, missed, not_counted))
    inbox.record_removals([membership.id], membership.cohort, link=link, now=now)


def mail_removed_many(cohort, removals, *, link, now):
    """mail_removed for many learners of `cohort` at once: `removals` are (membership with
    .user, titles, missed, not_counted). The notice names no one, so learners told the same
    in the same language share one rendering; each such group's outbox rows go in with one
    INSERT … SELECT, its membership ids written as one integer list (counting.id_in), however
    many they are (keys as mail_removed's; a key already queued is kept)."""
    groups = {}
    for membership, titles, missed, not_counted in removals:
        told = (membership.user.locale, tuple(titles), tuple(missed) if missed else None,
                tuple(not_counted))
        groups.setdefault(told, []).append(membership.id)
    key = Value("removal:membership:").concat(Membership.id).concat(
        Value(f":{now:%Y%m%dT%H%M%S}"))
    at = Value(OutboxMessage.created_at.db_value(now))
    headers = Value(json.dumps(cohort_headers(cohort,
                                              reply_to_host="removed" in REPLY_TO_HOST)))
    fields = [OutboxMessage.key, OutboxMessage.user, OutboxMessage.kind, OutboxMessage.to_addr,
              OutboxMessage.subject, OutboxMessage.body, OutboxMessage.html_body,
              OutboxMessage.headers, OutboxMessage.created_at, OutboxMessage.next_attempt_at,
              OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.outcome]
    for (locale, titles, missed, not_counted), ids in groups.items():
        subject, text, html = mail_templates.render_mail(
            "removed", locale, link=link,
            **_removed_context(cohort, locale, titles, missed, not_counted))
        rows = (Membership.select(key, User.id, Value(""), User.email, Value(subject[:500]),
                                  Value(text), Value(html), headers, at, at, Value(0),
                                  Value(""), Value(""))
                .join(User, on=(Membership.user == User.id))
                .where(id_in(Membership.id, ids)))
        OutboxMessage.insert_from(rows, fields).on_conflict_ignore().execute()
    inbox.record_removals([m.id for m, *_rest in removals], cohort, link=link, now=now)


def mail_removals_to_staff(*, cohort, staff, removed, link, list_link, now):
    """Tell a host or assistant whom a sweep just removed and for which cases (one mail): how
    many, the first NAMED by name, and for the rest where they are all listed (`list_link`)."""
    _send_to(staff, "removals_to_staff",
             f"cohort:{cohort.id}:removals:{now:%Y%m%dT%H%M%S}:staff:{staff.id}", now=now,
             kind="digests", list_of=cohort, cohort=cohort.name, link=link,
             list_link=list_link, count=len(removed),
             removed=[{"name": membership.user.display_name, "titles": titles}
                      for membership, titles in removed[:NAMED]])


def mail_reminder(*, case, slot, member, hours, link, now):
    """Remind a learner who has not written yet: the case, the prompt, the due time."""
    _send_to(member, "reminder", f"case:{case.id}:reminder:{hours}h:member:{member.id}",
             now=now, kind="reminders", list_of=case.cohort, title=case.title, hours=hours,
             link=link, prompt=case.homework_prompt,
             when=local_when(slot.due_at, case.cohort.timezone, member.locale))


def mail_seat_offer(*, offer, link, now):
    """Offer a free seat to a waitlisted applicant, with the time it stays open."""
    user, cohort = offer.application.user, offer.cohort
    with write_transaction():
        _send_to(user, "seat_offer", f"seat-offer:{offer.id}", now=now, list_of=cohort,
                 cohort=cohort.name,
                 link=link, when=local_when(offer.expires_at, cohort.timezone, user.locale))
        inbox.record(user, inbox.Kind.SEAT_OFFER, key=f"seat-offer:{offer.id}", now=now,
                     cohort=cohort, link=link)


def mail_removals_held(*, cohort, staff, held_at, held, link, now):
    """Tell a host or assistant that the safety stop held a sweep: whom it would remove and
    for which cases, and what they can do (once per hold)."""
    key = f"cohort:{cohort.id}:removals-held:{held_at:%Y%m%dT%H%M%S}:staff:{staff.id}"
    inbox.record(staff, inbox.Kind.REMOVALS_HELD, key=key, now=now, cohort=cohort, link=link)
    _send_to(staff, "removals_held", key,
             now=now, list_of=cohort, cohort=cohort.name, link=link,
             percent=cohort.removal_stop_percent,
             count=cohort.removal_stop_count,
             held=[{"name": membership.user.display_name, "titles": titles}
                   for membership, titles in held])


def mail_removed_by_host(*, membership, reason, link, now):
    """Tell a member, respectfully, that a host ended their membership, why, and that what
    they wrote stays theirs."""
    key = f"removal:membership:{membership.id}:{now:%Y%m%dT%H%M%S}"
    _send_to(membership.user, "removed_by_host", key, now=now,
             list_of=membership.cohort, cohort=membership.cohort.name, reason=reason, link=link)
    inbox.record(membership.user_id, inbox.Kind.REMOVED_BY_HOST, key=key, now=now,
                 cohort=membership.cohort_id, link=link, excerpt=inbox.excerpt(reason))


def mail_left(*, membership, link, now):
    """Confirm to a member that they left the cohort and that what they wrote stays."""
    _send_to(membership.user, "left",
             f"left:membership:{membership.id}:{now:%Y%m%dT%H%M%S}", now=now,
             list_of=membership.cohort, cohort=membership.cohort.name, link=link)
