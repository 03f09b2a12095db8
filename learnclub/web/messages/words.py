"""What each kind of message says, in the reader's language: the domain stores the kind and
its parameters (domain/reach/inbox.py), the words are chosen when the message is shown."""
from flask_babel import lazy_gettext as _l

from learnclub.domain.reach.inbox import Kind

DEFAULT_ZONE = "Asia/Shanghai"

SAYS = {
    Kind.COMMENT: _l("%(actor)s commented on your homework for “%(case)s”"),
    Kind.REPLY: _l("%(actor)s replied to your comment on “%(case)s”"),
    Kind.FEEDBACK: _l("%(actor)s gave feedback on your homework for “%(case)s”"),
    Kind.FEATURED: _l("Your homework for “%(case)s” was featured"),
    Kind.ADMITTED: _l("Welcome: you were admitted to %(cohort)s"),
    Kind.REJECTED: _l("Your application to %(cohort)s was not accepted this time"),
    Kind.WAITLISTED: _l("You are on the waitlist of %(cohort)s"),
    Kind.SEAT_OFFER: _l("A seat in %(cohort)s is free for you: answer before the offer "
                        "expires"),
    Kind.TALK_ACCEPTED: _l("Your talk “%(topic)s” was accepted: please confirm the week"),
    Kind.TALK_DECLINED: _l("Your talk “%(topic)s” was not taken this time"),
    Kind.TALK_CANCELLED: _l("Your talk “%(topic)s” was cancelled"),
    Kind.REMOVED: _l("You were asked to leave %(cohort)s: see why and how to come back"),
    Kind.REMOVED_BY_HOST: _l("A host ended your membership of %(cohort)s"),
    Kind.REMOVALS_HELD: _l("The safety stop held this week's removals in %(cohort)s: "
                           "please check them"),
    Kind.READMITTED: _l("You are back in %(cohort)s"),
    Kind.ANNOUNCEMENT: _l("New announcement in %(cohort)s: “%(title)s”"),
    Kind.CASE_TAKEN_BACK: _l("The hosts of %(cohort)s took back “%(title)s”: you no longer "
                             "need to write it, and your draft is kept"),
}
UNKNOWN = _l("A message about %(cohort)s")


def says(message):
    """The message's sentence in the reader's language, from its kind and parameters."""
    data = message.data
    cohort = message.cohort.name if message.cohort_id and message.cohort else "learnclub"
    values = {"actor": data.get("actor") or "—", "case": data.get("case") or "",
              "topic": data.get("topic") or "", "cohort": cohort,
              "title": data.get("title") or ""}
    return str(SAYS.get(message.kind, UNKNOWN)) % values


def zone_of(message):
    """The zone its time is shown in: its cohort's."""
    return message.cohort.timezone if message.cohort_id and message.cohort else DEFAULT_ZONE
