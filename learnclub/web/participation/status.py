"""Words about participation shared by several pages: a learner's misses, why someone left,
what an entry of the membership log means."""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from learnclub.domain.cohorts import access
from learnclub.domain.participation import sweep as participation


@dataclass
class MissStatus:
    misses: int
    text: str


def miss_status(cohort, user):
    """The learner's misses against the cohort's limit, in a sentence (one query)."""
    misses = participation.misses_of(cohort, user)
    remaining = cohort.strike_limit - misses
    membership = access.membership_of(user, cohort)
    if remaining <= 0 and not cohort.removals_paused and membership is not None \
            and not participation.removal_pending(cohort, membership):
        remaining = 1  # readmitted with misses kept: the next miss is the one that counts
    if remaining > 0:
        text = ngettext("You have %(num)d miss; %(remaining)d more and you will be asked to "
                        "leave.",
                        "You have %(num)d misses; %(remaining)d more and you will be asked to "
                        "leave.", misses, remaining=remaining)
    elif cohort.removals_paused:
        text = ngettext("You have %(num)d miss, the limit; removals are paused, so you stay "
                        "for now.",
                        "You have %(num)d misses, the limit; removals are paused, so you stay "
                        "for now.", misses)
    else:
        text = ngettext("You have %(num)d miss, the limit: you will be asked to leave at the "
                        "next check.",
                        "You have %(num)d misses, the limit: you will be asked to leave at the "
                        "next check.", misses)
    return MissStatus(misses, text)


def _role(code):
    return {"host": _("host"), "assistant": _("assistant"), "learner": _("learner"),
            "guest": _("guest")}.get(code, code)


def reason_text(reason):
    """A reason as stored by the rules ("strikes: 案例一, 案例二", "invite 4", "learner → host")
    in the reader's words; a reason a person typed is shown as typed."""
    code, _sep, detail = reason.partition(": ")
    if code == "strikes":
        return _("missed homework: %(cases)s", cases=detail) if detail else \
            _("missed homework")
    if reason.startswith("invite ") and reason[7:].isdigit():
        return _("invite link")
    if reason.startswith("seat offer ") and reason[11:].isdigit():
        return _("seat offered from the waitlist")
    old, arrow, new = reason.partition(" → ")
    if arrow and " " not in old and " " not in new:
        return f"{_role(old)} → {_role(new)}"
    return reason


def action_labels():
    """Membership log actions in the reader's language (translated once per page)."""
    return {"created_cohort": _("created the cohort"), "admitted": _("admitted"),
            "joined_by_invite": _("joined by invite link"), "role_changed": _("role changed"),
            "removed": _("asked to leave"), "readmitted": _("readmitted"),
            "admitted_from_waitlist": _("admitted from the waitlist")}
