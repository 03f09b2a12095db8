"""What every cohort page of a member shows of this area: the rules banner until they
acknowledge the rules in force (domain/cohorts/rules.needs_acknowledgment), and, on the
cohort home, the pinned announcements (seeing them there leaves a read receipt)."""
from flask import g
from flask_login import current_user

from learnclub import clock
from learnclub.domain.cohorts import access, rules
from learnclub.domain.cohorts import announcements as news
from learnclub.web.announcements import bp


@bp.app_context_processor
def _banner():
    return {"rules_banner": rules_banner}


def rules_banner(cohort):
    """True if the signed-in viewer must still acknowledge the cohort's rules (cached for
    the request). No rules: one query; else two more."""
    cache = g.setdefault("rules_banner", {})
    if cohort.id not in cache:
        cache[cohort.id] = False
        if current_user.is_authenticated:
            in_force = rules.rules_of(cohort)
            if rules.current_version(in_force):
                membership = access.membership_of(current_user, cohort)
                cache[cohort.id] = rules.needs_acknowledgment(membership, in_force)
    return cache[cohort.id]


def pinned_for_home(cohort, membership):
    """The announcements pinned to the cohort home for a member, each now read by them."""
    pinned = news.pinned_of(cohort)
    news.mark_read(pinned, membership, now=clock.now())
    return pinned
