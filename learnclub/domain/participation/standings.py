"""Points (docs/rules.md "Points"): the leaderboard of active learners and guests, and one
member's points history. Read-only; a fixed number of queries whatever the cohort's size."""
from dataclasses import dataclass

from peewee import JOIN, fn

from learnclub.domain.errors import NotFound, untranslated
from learnclub.models import Case, Membership, PointEvent, User
from learnclub.models.cohorts import MembershipStatus, Role

RANKED_ROLES = (Role.LEARNER, Role.GUEST)  #: staff hand out points; they are not ranked


@dataclass
class Standing:
    membership: Membership
    points: int
    rank: int



def _require_points(cohort, tr):
    if not cohort.points_enabled:
        raise NotFound(tr("This cohort does not keep points."))


def leaderboard(cohort, *, tr=untranslated):
    """Active learners and guests with their total points and rank (1, 2, 2, 4 …).

    Two queries. Raises NotFound when the cohort keeps no points.
    """
    _require_points(cohort, tr)
    members = (Membership.select(Membership, User).join(User)
               .where((Membership.cohort == cohort)
                      & (Membership.status == MembershipStatus.ACTIVE)
                      & Membership.role.in_(RANKED_ROLES)))
    totals = dict(PointEvent.select(PointEvent.user, fn.SUM(PointEvent.points))
                  .where(PointEvent.cohort == cohort).group_by(PointEvent.user).tuples())
    ranked = sorted(((m, int(totals.get(m.user_id) or 0)) for m in members),
                    key=lambda p: (-p[1], p[0].user.display_name.casefold(), p[0].user_id))
    standings = []
    for i, (membership, points) in enumerate(ranked):
        tied = standings and standings[-1].points == points
        standings.append(Standing(membership, points, standings[-1].rank if tied else i + 1))
    return standings


def points_history(cohort, user, *, tr=untranslated):
    """(membership, [PointEvent with .case or None], total), newest first; NotFound if none."""
    _require_points(cohort, tr)
    membership = (Membership.select(Membership, User).join(User)
                  .where((Membership.cohort == cohort) & (Membership.user == user)).first())
    if membership is None:
        raise NotFound(tr("This person is not a member of this cohort."))
    events = list(PointEvent.select(PointEvent, Case).join(Case, JOIN.LEFT_OUTER)
                  .where((PointEvent.cohort == cohort) & (PointEvent.user == user))
                  .order_by(PointEvent.created_at.desc(), PointEvent.id.desc()))
    return membership, events, sum(e.points for e in events)
