"""The settings page's preview of a new weekly sharing rule: which open weeks move and which
weeks stay (a talk holds them), and after saving, what moved."""
from flask import flash
from flask_babel import gettext as _
from flask_babel import ngettext

from learnclub import clock
from learnclub.domain.cohorts import settings as cohorts
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import rule as sharing_rule
from learnclub.web.cohorts.forms import WEEKDAYS
from learnclub.web.common import tr
from learnclub.web.i18n import local_time


def _rule_label(rule):
    day = next(str(c.label) for c in WEEKDAYS if c.value == rule["sharing_weekday"])
    return _("%(day)s %(time)s (%(minutes)d min)", day=day, time=rule["sharing_time"],
             minutes=rule["sharing_minutes"])


def _dates(cohort, slots):
    return ", ".join(local_time(s.starts_at, cohort.timezone) for s in slots)


def rule_preview(cohort, values):
    """What a new weekly rule would do to the weeks ahead, as lines for the page; None if
    the settings will be refused anyway or no session would move or stay off the rule."""
    try:
        cohorts.validate_settings(dict(values), tr=tr)
    except DomainError:
        return None
    plan = sharing_rule.plan_weekly_rule(cohort, values, now=clock.now())
    if not (plan.moves or plan.stays or plan.kept):
        return None
    old, new = _rule_label(sharing_rule.rule_of(cohort)), _rule_label(
        sharing_rule.rule_of(cohort, values))
    lines = [ngettext("%(num)d open week will move from %(old)s to %(new)s.",
                      "%(num)d open weeks will move from %(old)s to %(new)s.",
                      len(plan.moves), old=old, new=new)]
    if plan.proposers:
        lines.append(ngettext("%(num)d guest whose talk proposal asks for a week that moves "
                              "will be mailed its new time.", "%(num)d guests whose talk "
                              "proposals ask for a week that moves will be mailed its new "
                              "time.", len(plan.proposers)))
    return lines + _staying(cohort, plan)


def _staying(cohort, plan):
    lines = []
    if plan.stays:
        lines.append(ngettext("%(num)d week with an accepted or confirmed talk stays where "
                               "it is: %(dates)s.", "%(num)d weeks with an accepted or "
                               "confirmed talk stay where they are: %(dates)s.",
                               len(plan.stays), dates=_dates(cohort, plan.stays))
                      + " " + _("Move them one by one on the calendar; the guest is mailed."))
    if plan.kept:
        lines.append(ngettext("%(num)d open week stays where it is (its new time has passed or "
                              "another session has it): %(dates)s.", "%(num)d open weeks stay "
                              "where they are (their new time has passed or another session "
                              "has it): %(dates)s.", len(plan.kept),
                              dates=_dates(cohort, plan.kept)))
    return lines


def flash_moved(cohort, plan):
    """Say what the new rule moved and what stayed."""
    if plan.moves:
        flash(ngettext("%(num)d open week moved to %(new)s.",
                       "%(num)d open weeks moved to %(new)s.", len(plan.moves),
                       new=_rule_label(sharing_rule.rule_of(cohort))), "success")
    if plan.proposers:
        flash(ngettext("%(num)d guest whose talk proposal asks for a moved week was mailed "
                       "its new time.", "%(num)d guests whose talk proposals ask for a moved "
                       "week were mailed its new time.", len(plan.proposers)), "success")
    for line in _staying(cohort, plan):
        flash(line, "warn")
