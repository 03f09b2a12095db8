"""The cohort's rules (群规, docs/rules.md "Rules and announcements"): staff write them, every
change of the text bumps the version, and a member acknowledges ("我已阅读并同意群规") the
version in force. `needs_acknowledgment` is the one rule of who must still do so."""
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from learnclub.db import write_transaction
from learnclub.domain.cohorts.access import require
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.text import check_text
from learnclub.models import CohortRules, Membership, RulesAcknowledgment, User
from learnclub.models.cohorts import MembershipStatus, Role
from learnclub.prepared import Prepared

RULES_MAX = 20_000
#: the roles that acknowledge the rules; hosts and assistants write them
ACKNOWLEDGING_ROLES = (Role.LEARNER.value, Role.GUEST.value)


#: read by the rules banner of every cohort page: its SQL built once (prepared.Prepared)
_RULES = Prepared(lambda cohort_id: CohortRules.select().where(CohortRules.cohort == cohort_id)
                  .limit(1), -7_000_000_001)


def rules_of(cohort):
    """The cohort's rules row, or None while nobody has written any: one query."""
    return _RULES.first(getattr(cohort, "id", cohort))


def current_version(rules):
    """The version in force: 0 when there are no rules (nothing to acknowledge)."""
    return rules.version if rules is not None and rules.body_md.strip() else 0


def acknowledged_version(membership):
    """The version the member last acknowledged, 0 if none: one query."""
    row = RulesAcknowledgment.get_or_none(RulesAcknowledgment.membership == membership)
    return row.version if row else 0


def needs_acknowledgment(membership, rules, *, acknowledged=None):
    """Whether this member must still acknowledge the rules in force: an active learner or
    guest whose last acknowledgment (`acknowledged`, read if not given) is of an older
    version. Staff, removed members and cohorts without rules: never. Until they acknowledge,
    their cohort pages show a banner linking to the rules; nothing is blocked (see
    docs/rules.md for why)."""
    version = current_version(rules)
    if (membership is None or version == 0 or membership.status != MembershipStatus.ACTIVE
            or membership.role not in ACKNOWLEDGING_ROLES):
        return False
    if acknowledged is None:
        acknowledged = acknowledged_version(membership)
    return acknowledged < version


def save_rules(cohort, body_md, *, actor, now, tr=untranslated):
    """Store the rules as written; a changed text bumps the version (so every member
    acknowledges again) and is logged. Returns the new version, or None if nothing changed."""
    require(actor, "edit_cohort", cohort, tr=tr)
    body_md = check_text(body_md, field="body_md", label=tr("Rules"), max_length=RULES_MAX,
                         tr=tr)
    with write_transaction():
        rules = rules_of(cohort)
        if rules is not None and rules.body_md == body_md:
            return None
        if rules is None and not body_md.strip():
            return None
        version = (rules.version if rules else 0) + 1
        if rules is None:
            CohortRules.create(cohort=cohort, body_md=body_md, version=version,
                               updated_at=now, updated_by=actor)
        else:
            CohortRules.update(body_md=body_md, version=version, updated_at=now,
                               updated_by=actor).where(CohortRules.id == rules.id).execute()
        record(cohort, Action.RULES_CHANGED, actor=actor, now=now,
               changes={"version": [version - 1, version]})
    return version


def acknowledge_rules(cohort, user, *, version, now, tr=untranslated):
    """Record that the member read and agreed to the rules of `version` (the one their page
    showed); a version no longer in force is refused, so nobody agrees to words they did
    not see. Returns the version acknowledged."""
    membership = require(user, "view_cohort_pages", cohort, tr=tr)
    with write_transaction():
        in_force = current_version(rules_of(cohort))
        if in_force == 0:
            raise DomainError(tr("This cohort has no rules to acknowledge yet."))
        if version != in_force:
            raise DomainError(tr("The rules changed while you were reading them. Please "
                                 "read them again, then agree."))
        (RulesAcknowledgment.insert(membership=membership, version=version, acknowledged_at=now)
         .on_conflict(conflict_target=[RulesAcknowledgment.membership],
                      update={RulesAcknowledgment.version: version,
                              RulesAcknowledgment.acknowledged_at: now}).execute())
    return version


@dataclass(frozen=True)
class Acknowledgment:
    user_id: int
    name: str
    role: str
    version: int  #: 0: never
    at: datetime | None

    def is_current(self, version):
        return self.version >= version


def acknowledgments(cohort):
    """Every active member who acknowledges rules (ACKNOWLEDGING_ROLES), with the version
    they last acknowledged and when, by name: one query however many members."""
    rows = (Membership.select(Membership.role, User.id, User.display_name,
                              RulesAcknowledgment.version, RulesAcknowledgment.acknowledged_at)
            .join(User, on=(Membership.user == User.id))
            .switch(Membership)
            .join(RulesAcknowledgment, JOIN.LEFT_OUTER,
                  on=(RulesAcknowledgment.membership == Membership.id))
            .where((Membership.cohort == cohort)
                   & (Membership.status == MembershipStatus.ACTIVE)
                   & Membership.role.in_(ACKNOWLEDGING_ROLES))
            .order_by(User.display_name, User.id).dicts())
    return [Acknowledgment(r["id"], r["display_name"], r["role"], r["version"] or 0,
                           r["acknowledged_at"]) for r in rows]
