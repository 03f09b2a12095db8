"""The mails people get, written in the recipient's language and put in the outbox."""
from zoneinfo import ZoneInfo

from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.i18n import translations_for


def _tr(locale):
    return translations_for(locale).gettext


#: the last lines of every mail
SIGNATURE = "\n\n— learnclub"


def mail_signup_confirm(*, email, link, locale, now, key):
    """Mail the link that finishes a sign-up."""
    tr = _tr(locale)
    body = tr("Welcome to learnclub.\n\nOpen this link within 24 hours to finish creating your "
              "account:\n%(link)s\n\nIf you did not ask for this, ignore this mail."
              ) % {"link": link}
    enqueue_mail(key, to_addr=email, subject=tr("Confirm your learnclub account"),
                 body=body + SIGNATURE, now=now)


def mail_signup_existing(*, user, login_link, reset_link, now, key):
    """Tell an account holder that someone tried to sign up with their address."""
    tr = _tr(user.locale)
    body = tr("Someone (perhaps you) tried to create a learnclub account with this address, "
              "but you already have one.\n\nSign in: %(login)s\nForgot your password? "
              "%(reset)s") % {"login": login_link, "reset": reset_link}
    enqueue_mail(key, to_addr=user.email, user=user, subject=tr("You already have an account"),
                 body=body + SIGNATURE, now=now)


def mail_password_reset(*, user, link, now, key):
    """Mail a one-time password reset link."""
    tr = _tr(user.locale)
    body = tr("Open this link within one hour to choose a new password:\n%(link)s\n\n"
              "It works once. If you did not ask for it, ignore this mail: your password "
              "stays as it is.") % {"link": link}
    enqueue_mail(key, to_addr=user.email, user=user, subject=tr("Reset your learnclub password"),
                 body=body + SIGNATURE, now=now)


def mail_application_decided(*, application, link, now):
    """Tell an applicant that they were admitted, rejected or put on the waitlist."""
    user, cohort = application.user, application.cohort
    tr = _tr(user.locale)
    subjects = {
        "admitted": tr("Welcome to %(cohort)s"),
        "rejected": tr("Your application to %(cohort)s"),
        "waitlisted": tr("You are on the waitlist of %(cohort)s"),
    }
    bodies = {
        "admitted": tr("Your application was accepted: you are now a member of %(cohort)s.\n\n"
                       "Start here: %(link)s"),
        "rejected": tr("Thank you for applying to %(cohort)s. This time the host could not "
                       "offer you a seat."),
        "waitlisted": tr("%(cohort)s is full for now. You are on the waitlist and will hear "
                         "from us when a seat frees up."),
    }
    values = {"cohort": cohort.name, "link": link}
    body = bodies[application.status] % values
    if application.decision_message:
        body += "\n\n" + tr("A note from the host:") + "\n" + application.decision_message
    enqueue_mail(f"application:{application.id}:{application.status}", to_addr=user.email,
                 user=user, subject=subjects[application.status] % values,
                 body=body + SIGNATURE, now=now)


def local_when(instant, zone, locale):
    """A time as the reader reads it: in the cohort's zone, in their language."""
    from babel.dates import format_datetime
    return format_datetime(instant.astimezone(ZoneInfo(zone)), "yyyy-MM-dd HH:mm (zzzz)",
                           locale="zh_Hans_CN" if (locale or "zh").startswith("zh") else "en")


def mail_case_published(*, case, slot, member, link, now):
    """Announce a new case to one member: title, homework prompt and due time."""
    tr = _tr(member.locale)
    cohort = case.cohort
    body = tr("A new case is out in %(cohort)s:\n\n%(title)s\n\nRead it: %(link)s") % {
        "cohort": cohort.name, "title": case.title, "link": link}
    if case.homework_prompt:
        body += "\n\n" + tr("Homework:") + "\n" + case.homework_prompt
    body += "\n\n" + tr("Due: %(when)s") % {
        "when": local_when(slot.due_at, cohort.timezone, member.locale)}
    enqueue_mail(f"case:{case.id}:announce:member:{member.id}", to_addr=member.email,
                 user=member, subject=tr("New case: %(title)s") % {"title": case.title},
                 body=body + SIGNATURE, now=now, kind="new_case")


def mail_queue_dry(*, cohort, host, dry_at, link, now):
    """Warn a host that the case queue will run dry before the maximum gap."""
    tr = _tr(host.locale)
    body = tr("The case queue of %(cohort)s is running dry. To keep the rhythm (at most "
              "%(max)d days between cases), schedule the next case before %(when)s.\n\n"
              "Schedule: %(link)s") % {
        "cohort": cohort.name, "max": cohort.cadence_max_days, "link": link,
        "when": local_when(dry_at, cohort.timezone, host.locale)}
    enqueue_mail(f"cohort:{cohort.id}:queue-dry:{dry_at:%Y%m%d%H%M}:host:{host.id}",
                 to_addr=host.email, user=host,
                 subject=tr("%(cohort)s: the case queue is running dry") % {
                     "cohort": cohort.name}, body=body + SIGNATURE, now=now, kind="digests")


def mail_activity_digest(*, user, items, link_for, now, key):
    """One mail for everything said about someone's homework since the last one.

    `items` are (kind, actor name, case title, submission) tuples; likes are never in it.
    """
    tr = _tr(user.locale)
    lines = {
        "comment": tr("%(actor)s commented on your homework for “%(case)s”"),
        "reply": tr("%(actor)s replied to your comment on “%(case)s”"),
        "feedback": tr("%(actor)s gave feedback on your homework for “%(case)s”"),
        "featured": tr("%(actor)s featured your homework for “%(case)s” (精选)"),
    }
    body = tr("New on your homework:") + "\n\n" + "\n".join(
        "- " + lines[kind] % {"actor": actor, "case": case} + "\n  " + link_for(submission)
        for kind, actor, case, submission in items)
    enqueue_mail(key, to_addr=user.email, user=user, body=body + SIGNATURE, now=now,
                 subject=tr("%(n)d new responses to your homework") % {"n": len(items)},
                 kind="feedback")


def mail_removed(*, membership, titles, link, now):
    """Tell a learner, respectfully, that they were asked to leave, why, and how to come back."""
    user, cohort = membership.user, membership.cohort
    tr = _tr(user.locale)
    body = tr("You were asked to leave %(cohort)s: its rule is that whoever does not write "
              "homework leaves, so the group stays small and alive. Homework was missing for: "
              "%(cases)s.\n\nNothing you wrote is lost: sign in to read and export your "
              "homework. If something got in the way, reply to your host: they can readmit "
              "you.\n\n%(link)s") % {"cohort": cohort.name, "cases": "、".join(titles),
                                    "link": link}
    # keyed on the removal's time: a learner readmitted and removed again gets a new notice
    enqueue_mail(f"removal:membership:{membership.id}:{now:%Y%m%dT%H%M%S}", to_addr=user.email,
                 user=user, subject=tr("You have left %(cohort)s") % {"cohort": cohort.name},
                 body=body + SIGNATURE, now=now)


def mail_removals_to_staff(*, cohort, staff, removed, link, now):
    """Tell a host or assistant whom a sweep just removed and for which cases (one mail)."""
    catalog = translations_for(staff.locale)
    values = {"cohort": cohort.name, "num": len(removed), "link": link,
              "lines": "\n".join(f"- {membership.user.display_name}: {'、'.join(titles)}"
                                 for membership, titles in removed)}
    body = catalog.ngettext(
        "The participation sweep of %(cohort)s removed %(num)d learner who did not hand in "
        "homework:\n\n%(lines)s\n\nThey were told respectfully; you can readmit them from "
        "the membership log:\n%(link)s",
        "The participation sweep of %(cohort)s removed %(num)d learners who did not hand in "
        "homework:\n\n%(lines)s\n\nEach was told respectfully; you can readmit them from "
        "the membership log:\n%(link)s", len(removed)) % values
    subject = catalog.ngettext("%(cohort)s: %(num)d learner removed",
                               "%(cohort)s: %(num)d learners removed", len(removed)) % values
    enqueue_mail(f"cohort:{cohort.id}:removals:{now:%Y%m%dT%H%M%S}:staff:{staff.id}",
                 to_addr=staff.email, user=staff, subject=subject, now=now, kind="digests",
                 body=body + SIGNATURE)


def mail_reminder(*, case, slot, member, hours, link, now):
    """Remind a learner who has not written yet: the case, the prompt, the due time."""
    tr = _tr(member.locale)
    cohort = case.cohort
    body = tr("Your homework on “%(title)s” is due %(when)s.\n\n%(link)s") % {
        "title": case.title, "link": link,
        "when": local_when(slot.due_at, cohort.timezone, member.locale)}
    if case.homework_prompt:
        body += "\n\n" + tr("Homework:") + "\n" + case.homework_prompt
    enqueue_mail(f"case:{case.id}:reminder:{hours}h:member:{member.id}", to_addr=member.email,
                 user=member, body=body + SIGNATURE, now=now, kind="reminders",
                 subject=tr("Homework due in %(hours)d hours: %(title)s") % {
                     "hours": hours, "title": case.title})


def mail_seat_offer(*, offer, link, now):
    """Offer a free seat to a waitlisted applicant, with the time it stays open."""
    user, cohort = offer.application.user, offer.cohort
    tr = _tr(user.locale)
    body = tr("A seat is free in %(cohort)s and it is yours if you want it. Accept before "
              "%(when)s; after that it goes to the next person on the waitlist.\n\n%(link)s") % {
        "cohort": cohort.name, "link": link,
        "when": local_when(offer.expires_at, cohort.timezone, user.locale)}
    enqueue_mail(f"seat-offer:{offer.id}", to_addr=user.email, user=user, now=now,
                 subject=tr("A seat is free in %(cohort)s") % {"cohort": cohort.name},
                 body=body + SIGNATURE)


def mail_talk_received(*, talk, link, now):
    """The receipt for a proposed talk: it arrived, nothing is decided yet."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    body = tr("We received your talk proposal for %(cohort)s:\n\n%(topic)s\n\nNothing is "
              "decided yet: the host reads every proposal and will write to you. You can "
              "change or withdraw it here:\n%(link)s") % {
        "cohort": cohort.name, "topic": talk.topic, "link": link}
    enqueue_mail(f"talk:{talk.id}:received", to_addr=guest.email, user=guest, now=now,
                 subject=tr("Received: your talk proposal “%(topic)s”") % {"topic": talk.topic},
                 body=body + SIGNATURE)


def mail_talk_accepted(*, talk, link, now):
    """Ask the guest to confirm the week the host gave their talk."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    body = tr("Good news: the host of %(cohort)s accepted your talk “%(topic)s” for "
              "%(when)s.\n\nPlease confirm that you can share on that date: open the link "
              "below and press “Confirm”. Until you do, the week is held for you but not "
              "confirmed.\n\n%(link)s") % {
        "cohort": cohort.name, "topic": talk.topic, "link": link,
        "when": local_when(talk.slot.starts_at, cohort.timezone, guest.locale)}
    enqueue_mail(f"talk:{talk.id}:accepted", to_addr=guest.email, user=guest, now=now,
                 subject=tr("Please confirm: your talk on %(when)s") % {
                     "when": local_when(talk.slot.starts_at, cohort.timezone, guest.locale)},
                 body=body + SIGNATURE)


def mail_talk_declined(*, talk, link, now):
    """A kind note that a proposal was not taken this time."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    body = tr("Thank you for proposing “%(topic)s” to %(cohort)s. This time the host could "
              "not find a place for it. Every proposal is read with care, and you are "
              "welcome to propose again.\n\n%(link)s") % {
        "cohort": cohort.name, "topic": talk.topic, "link": link}
    enqueue_mail(f"talk:{talk.id}:declined", to_addr=guest.email, user=guest, now=now,
                 subject=tr("About your talk proposal “%(topic)s”") % {"topic": talk.topic},
                 body=body + SIGNATURE)


def mail_talk_cancelled(*, talk, link, now):
    """Tell the guest that the host cancelled their accepted talk."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    body = tr("The host of %(cohort)s cancelled your talk “%(topic)s”. They will be in "
              "touch about what comes next.\n\n%(link)s") % {
        "cohort": cohort.name, "topic": talk.topic, "link": link}
    enqueue_mail(f"talk:{talk.id}:cancelled", to_addr=guest.email, user=guest, now=now,
                 subject=tr("Cancelled: your talk “%(topic)s”") % {"topic": talk.topic},
                 body=body + SIGNATURE)


def mail_week_taken(*, talk, slot, link, now):
    """Tell a proposer that one of the weeks they asked for went to another guest."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    when = local_when(slot.starts_at, cohort.timezone, guest.locale)
    body = tr("The week of %(when)s, which you asked for with “%(topic)s”, went to another "
              "guest. Your proposal stays open for the other weeks you chose; the host will "
              "write to you.\n\n%(link)s") % {"when": when, "topic": talk.topic, "link": link}
    enqueue_mail(f"talk:{talk.id}:week-taken:{slot.id}", to_addr=guest.email, user=guest,
                 now=now, subject=tr("The week of %(when)s went to another guest") % {
                     "when": when}, body=body + SIGNATURE)


def mail_talk_guest_reminder(*, talk, offset, link, now):
    """Remind a guest of their talk 7 days ("7d") or 2 hours ("2h") before: confirm it if
    not done yet, send materials."""
    guest, cohort = talk.guest, talk.cohort
    tr = _tr(guest.locale)
    values = {"cohort": cohort.name, "topic": talk.topic, "link": link,
              "when": local_when(talk.slot.starts_at, cohort.timezone, guest.locale)}
    body = tr("Your talk “%(topic)s” in %(cohort)s is on %(when)s.") % values
    if talk.status == "accepted":
        body += "\n\n" + tr("Please confirm that you can come.")
    body += "\n\n" + tr("If you have slides or materials, send them to your host before "
                        "the session.") + "\n\n" + link
    subjects = {"7d": tr("In a week: your talk “%(topic)s”"),
                "2h": tr("In two hours: your talk “%(topic)s”")}
    enqueue_mail(f"talk:{talk.id}:reminder:{offset}:guest", to_addr=guest.email, user=guest,
                 subject=subjects[offset] % values, body=body + SIGNATURE, now=now,
                 # a talk still to be confirmed needs the guest's answer: that mail always goes
                 kind="" if talk.status == "accepted" else "sharing")


def mail_talk_today(*, talk, member, link, now):
    """Tell a member on the day that a guest shares tonight: topic, guest, time."""
    cohort = talk.cohort
    tr = _tr(member.locale)
    values = {"topic": talk.topic, "guest": talk.guest.display_name, "cohort": cohort.name,
              "when": local_when(talk.slot.starts_at, cohort.timezone, member.locale)}
    body = tr("Today in %(cohort)s: %(guest)s shares “%(topic)s”, %(when)s.") % values
    enqueue_mail(f"talk:{talk.id}:reminder:day:member:{member.id}", to_addr=member.email,
                 user=member, subject=tr("Today: %(guest)s on “%(topic)s”") % values,
                 body=body + "\n\n" + link + SIGNATURE, now=now, kind="sharing")
