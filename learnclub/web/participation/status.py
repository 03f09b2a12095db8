"""Words about participation shared by several pages: a learner's misses, why someone left,
what an entry of the membership log means. The domain decides; this only finds the words."""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.participation import counting, queries


@dataclass
class MissStatus:
    misses: int
    text: str


def miss_status(cohort, user):
    """The learner's misses against the cohort's limit, in a sentence (two queries); None
    for someone without a membership."""
    membership = access.membership_of(user, cohort)
    if membership is None:
        return None
    standing = queries.standing(cohort, membership, now=clock.now())
    return MissStatus(standing.misses, standing_text(standing))


def standing_text(standing):
    """A queries.MissStanding in a sentence, to the learner."""
    misses = standing.misses
    if standing.remaining > 0:
        return ngettext("You have %(num)d miss; %(remaining)d more and you will be asked to "
                        "leave.",
                        "You have %(num)d misses; %(remaining)d more and you will be asked to "
                        "leave.", misses, remaining=standing.remaining)
    if standing.paused:
        return ngettext("You have %(num)d miss, the limit; removals are paused, so you stay "
                        "for now.",
                        "You have %(num)d misses, the limit; removals are paused, so you stay "
                        "for now.", misses)
    return ngettext("You have %(num)d miss, the limit: you will be asked to leave at the "
                    "next check.",
                    "You have %(num)d misses, the limit: you will be asked to leave at the "
                    "next check.", misses)


def not_counted_text(rows, min_hours):
    """For the hosts, how many other closed cases did not count against a learner the sweep
    would remove and why (the plan's [(counting.NotCounted, how many)]), in a sentence."""
    total = sum(num for _reason, num in rows)
    if not total:
        return _("Every other closed case was handed in.")
    reasons = " · ".join(f"{counting.reason_words(reason, min_hours=min_hours, tr=_)}: {num}"
                         for reason, num in rows)
    return ngettext("%(num)d other closed case did not count: %(reasons)s.",
                    "%(num)d other closed cases did not count: %(reasons)s.", total,
                    reasons=reasons)


def _role(code):
    return {"host": _("host"), "assistant": _("assistant"), "learner": _("learner"),
            "guest": _("guest")}.get(code, code)


def removal_text(reason):
    """A queries.RemovalReason in the reader's words; words a person typed, as typed."""
    if reason.kind == queries.RemovalKind.STRIKES:
        return _("missed homework: %(cases)s", cases=", ".join(reason.cases)) \
            if reason.cases else _("missed homework")
    if reason.kind == queries.RemovalKind.BY_HOST:
        return _("asked to leave by a host: %(reason)s", reason=reason.words) \
            if reason.words else _("asked to leave by a host")
    if reason.kind == queries.RemovalKind.LEFT:
        return _("left the cohort: %(reason)s", reason=reason.words) \
            if reason.words else _("left the cohort")
    return reason.words


def removal_words(membership):
    """Why this membership ended, in the reader's words (at most one query)."""
    return removal_text(queries.removal_reason(membership))


def reason_text(reason):
    """The reason of a membership log entry in the reader's words: a RemovalReason (read
    from the stored fields), or the words of an entry ("invite 4", "learner → host", what a
    host typed); words stored before removal reasons had fields are read as they were."""
    if isinstance(reason, queries.RemovalReason):
        return removal_text(reason)
    if reason.startswith("invite ") and reason[7:].isdigit():
        return _("invite link")
    if reason.startswith("seat offer ") and reason[11:].isdigit():
        return _("seat offered from the waitlist")
    old, arrow, new = reason.partition(" → ")
    if arrow and " " not in old and " " not in new:
        return f"{_role(old)} → {_role(new)}"
    return removal_text(queries.unconverted_reason(reason))


def action_labels():
    """Membership log actions in the reader's language (translated once per page)."""
    return {"created_cohort": _("created the cohort"), "admitted": _("admitted"),
            "joined_by_invite": _("joined by invite link"), "role_changed": _("role changed"),
            "removed": _("asked to leave"), "readmitted": _("readmitted"),
            "admitted_from_waitlist": _("admitted from the waitlist")}
