"""The participation area's questions (docs/rules.md "Participation and removal"): who the
active learners are, where a learner stands against the strike limit, why someone was
removed, and what the participation pages list. Read-only; each runs a fixed number of
queries, whatever the number of learners or cases."""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from peewee import JOIN, fn

from learnclub.domain.participation.counting import NotCounted
from learnclub.models import (
    Application,
    Case,
    LeaveRequest,
    Membership,
    Miss,
    SeatOffer,
    User,
)
from learnclub.models.cohorts import MembershipStatus, RemovalKind

#: ids beyond this cannot exist (the databases' integers); looking one up would overflow
MAX_ID = 2**63 - 1


def _is_id(value):
    return isinstance(value, int) and 0 < value <= MAX_ID


def active_learners(cohort, *, with_users=False):
    """The cohort's active learners, a Membership query to narrow further: the one
    active-learner filter (Membership.active_learners; `is_active_learner` for a loaded
    membership). With `with_users`, each has .user loaded by a join."""
    query = Membership.active_learners(cohort)
    return query.select_extend(User).join(User) if with_users else query


def active_learner(cohort, user_id):
    """The active learner's membership (with .user) of the user with this id, or None."""
    if not _is_id(user_id):
        return None
    return active_learners(cohort, with_users=True).where(Membership.user == user_id).first()


def learners_by_name(cohort):
    """Active learners with their users, by display name (one query)."""
    return list(active_learners(cohort, with_users=True).order_by(User.display_name, User.id))


def case_in(cohort, case_id):
    """The cohort's case with this id (out or not, archived or not), or None."""
    if not _is_id(case_id):
        return None
    return Case.get_or_none((Case.id == case_id) & (Case.cohort == cohort))


def published_case(cohort, case_id, *, now):
    """The cohort's case with this id if it has come out by `now` (archived since or not;
    a member's case only once approved: Case.has_come_out), else None."""
    case = case_in(cohort, case_id)
    return case if case is not None and case.has_come_out(now) else None


# ---- misses against the strike limit ----------------------------------------------------

@dataclass(frozen=True)
class MissStanding:
    """A learner's misses against the cohort's strike limit (docs/rules.md "Removal")."""

    misses: int  #: misses that count (voided ones do not)
    limit: int  #: the cohort's strike_limit
    #: misses more before removal: 0 at the limit; at least 1 for a learner readmitted with
    #: misses kept and none since, as only a new miss removes them again
    remaining: int
    paused: bool  #: removals are paused in the whole cohort (misses still recorded)
    pending_removal: bool  #: the next sweep removes them


def _miss_times(cohort, user_ids, now):
    """{user_id: [created_at]} of the misses that count (recorded by `now`): one query."""
    query = Miss.select(Miss.user, Miss.created_at).where(
        (Miss.cohort == cohort) & Miss.user.in_(list(user_ids)) & Miss.voided_at.is_null())
    if now is not None:
        query = query.where(Miss.created_at <= now)
    times = {}
    for miss in query:
        times.setdefault(miss.user_id, []).append(miss.created_at)
    return times


def _standing(cohort, membership, miss_times):
    """The rule of plan_sweep: an active learner at the limit with a miss since (re)joining
    is removed, unless removals are paused."""
    misses, limit, paused = len(miss_times), cohort.strike_limit, cohort.removals_paused
    fresh = any(at >= membership.joined_at for at in miss_times)
    pending = membership.is_active_learner and fresh and misses >= limit and not paused
    remaining = max(limit - misses, 0)
    if remaining == 0 and not paused and not pending:
        remaining = 1  # readmitted with misses kept: the next miss is the one that counts
    return MissStanding(misses, limit, remaining, paused, pending)


def standings(cohort, memberships, *, now):
    """{user_id: MissStanding} for these memberships of the cohort, in one query."""
    times = _miss_times(cohort, [m.user_id for m in memberships], now)
    return {m.user_id: _standing(cohort, m, times.get(m.user_id, [])) for m in memberships}


def standing(cohort, membership, *, now):
    """Where this member stands against the strike limit at `now` (one query)."""
    return standings(cohort, [membership], now=now)[membership.user_id]


def standing_of(cohort, memberships):
    """{user_id: (misses that count, removal pending)} for these memberships, one query."""
    return {user_id: (s.misses, s.pending_removal)
            for user_id, s in standings(cohort, memberships, now=None).items()}


def removal_pending(cohort, membership):
    """Whether the next sweep removes this active learner (the rule of plan_sweep)."""
    return standing(cohort, membership, now=None).pending_removal


def misses_of(cohort, user):
    """How many misses count against the learner in the cohort now (voided ones do not)."""
    return Miss.select().where((Miss.cohort == cohort) & (Miss.user == user)
                               & Miss.voided_at.is_null()).count()


# ---- why a membership ended --------------------------------------------------------------

@dataclass(frozen=True)
class RemovalReason:
    """Why a membership ended, from the stored fields: no words to parse."""

    kind: str  #: a RemovalKind, or "" when there are only words (what a person typed)
    cases: tuple  #: titles of the cases missed (RemovalKind.STRIKES), in the rule's order
    words: str  #: the reason in words as stored


def _stored(row):
    """(kind, case ids, words) of a Membership, or of a MembershipEvent (or any entry with
    its reason_kind, case_ids and reason, such as a log line)."""
    if isinstance(row, Membership):
        return row.removed_kind, row.removed_case_ids, row.removed_reason
    return row.reason_kind, row.case_ids, row.reason


def unconverted_reason(words):
    """The reason of a row stored before its fields were (migration 0010 converts those;
    a row written around the domain may still look so): "strikes: 案例一, 案例二"."""
    kind, _sep, detail = words.partition(": ")
    if kind == RemovalKind.STRIKES:
        return RemovalReason(RemovalKind.STRIKES, (detail,) if detail else (), words)
    return RemovalReason("", (), words)


def removal_reasons(rows):
    """{row.id: RemovalReason} for memberships, or for membership events; the titles of
    every case named in one query."""
    stored = {row.id: _stored(row) for row in rows}
    ids = {i for _kind, case_ids, _words in stored.values() for i in case_ids}
    titles = dict(Case.select(Case.id, Case.title).where(Case.id.in_(list(ids))).tuples()) \
        if ids else {}
    return {key: (RemovalReason(kind, tuple(titles[i] for i in case_ids if i in titles), words)
                  if kind else unconverted_reason(words))
            for key, (kind, case_ids, words) in stored.items()}


def removal_reason(row):
    """The RemovalReason of one membership or membership event (at most one query)."""
    return removal_reasons([row])[row.id]


# ---- what the participation page lists ---------------------------------------------------

def removed_members(cohort):
    """[(membership with .user, misses that count, RemovalReason)], the latest removed
    first: three queries at most."""
    removed = list(Membership.select(Membership, User).join(User)
                   .where((Membership.cohort == cohort)
                          & (Membership.status == MembershipStatus.REMOVED))
                   .order_by(Membership.removed_at.desc(), Membership.id))
    if not removed:
        return []
    counts = dict(Miss.select(Miss.user, fn.COUNT(Miss.id))
                  .where((Miss.cohort == cohort) & Miss.voided_at.is_null())
                  .group_by(Miss.user).tuples())
    reasons = removal_reasons(removed)
    return [(m, counts.get(m.user_id, 0), reasons[m.id]) for m in removed]


def waiting_leave_requests(cohort):
    """Leave requests a host has not decided yet, with .user and .case, oldest first."""
    return list(LeaveRequest.select(LeaveRequest, User, Case)
                .join(User, on=LeaveRequest.user)
                .switch(LeaveRequest).join(Case, JOIN.LEFT_OUTER)
                .where((LeaveRequest.cohort == cohort) & (LeaveRequest.status == "requested"))
                .order_by(LeaveRequest.created_at, LeaveRequest.id))


def leave_request_in(cohort, request_id):
    """The cohort's leave request with this id, or None."""
    return LeaveRequest.get_or_none((LeaveRequest.id == request_id)
                                    & (LeaveRequest.cohort == cohort))


def waitlist(cohort):
    """([(application with .user, its live seat offer or None)] in waitlist order, how many
    offers are live): two queries. Applicants refused a seat for lack of one come first
    (readmission.waiting_in_line)."""
    applications = list(Application.select(Application, User)
                        .join(User, on=Application.user)
                        .where((Application.cohort == cohort)
                               & (Application.status == "waitlisted"))
                        .order_by(Application.decided_at, Application.id))
    rows = list(SeatOffer.select().where(
        (SeatOffer.cohort == cohort) & SeatOffer.status.in_(("offered", "refused"))))
    offers = {o.application_id: o for o in rows if o.status == "offered"}
    refused = {o.application_id for o in rows if o.status == "refused"}
    applications.sort(key=lambda a: a.id not in refused)  # stable: the rest keep their order
    return [(a, offers.get(a.id)) for a in applications], len(offers)


def seat_offer_for(token, user):
    """The seat offer behind a link if it was made to this user, else None."""
    offer = SeatOffer.get_or_none(SeatOffer.token == (token or ""))
    if offer is None or offer.application.user_id != user.id:
        return None
    return offer


# ---- whose window was really open (docs/rules.md "Who is expected") ---------------------

#: a cohort's min_window_hours unless it says otherwise
DEFAULT_MIN_WINDOW_HOURS = 24


def window_opened(slot, membership=None):
    """When the case's homework window opened (for this member): its publication, but never
    before the case existed (a case saved with a publication time in the past opened when it
    was saved), nor before the member joined or was readmitted."""
    opened, created = slot.publish_at, slot.case.created_at
    if created is not None and created > opened:
        opened = created
    if membership is not None and membership.joined_at > opened:
        opened = membership.joined_at
    return opened


def window_gap(membership, slot, *, min_hours=DEFAULT_MIN_WINDOW_HOURS, extended_until=None):
    """Why the member did not owe homework on this case (a counting.NotCounted), or None: owed
    only if the case asks for homework, the member did not write it (a member's case), was in
    the cohort when it went out and not removed before its grace ended, and from when they
    could first see it to its due time (or their extension's end, if later) there were at
    least `min_hours`. Leave and excuses are Excuse rows, checked where the work is loaded
    (counting.work_on). The sweep asks it for every learner and closed case: it is kept
    cheap (no objects made on the way to None)."""
    case = slot.case
    if getattr(case, "no_homework", False):
        return NotCounted.NO_HOMEWORK
    if getattr(case, "author_id", None) == membership.user_id:
        return NotCounted.WROTE_IT  # the member who wrote the case owes no homework on it
    if membership.joined_at > slot.publish_at:
        return NotCounted.JOINED_LATER
    if membership.removed_at is not None and membership.status == MembershipStatus.REMOVED \
            and membership.removed_at < slot.grace_until:
        return NotCounted.LEFT_BEFORE
    end = slot.due_at
    if extended_until is not None and extended_until > end:
        end = extended_until
    short = end - window_opened(slot, membership) < _hours(min_hours)
    return NotCounted.WINDOW_SHORT if short else None


@cache
def _hours(hours):
    return timedelta(hours=hours)


def had_real_window(membership, slot, *, min_hours=DEFAULT_MIN_WINDOW_HOURS,
                    extended_until=None):
    """Whether the member owed homework on this case (window_gap is None): the one rule for
    the sweep, its dry run, the participation board and a learner's standing."""
    return window_gap(membership, slot, min_hours=min_hours, extended_until=extended_until) \
        is None


def removable_members(cohort):
    """Active members a host may remove by hand (everyone but hosts), with .user, by name:
    one query."""
    return list(Membership.select(Membership, User).join(User)
                .where((Membership.cohort == cohort)
                       & (Membership.status == MembershipStatus.ACTIVE)
                       & (Membership.role != "host"))
                .order_by(User.display_name, User.id))
