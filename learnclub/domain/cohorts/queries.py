"""The cohorts area's questions: cohorts, who is in them, applications and invite links.

Lists that the API pages take `after` (the last id of the previous page, or None) and
`limit` (how many rows at most, the caller asks one more than a page to know if more follow).
"""
from peewee import fn

from learnclub.domain.participation import queries as participation
from learnclub.models import Application, Case, Cohort, Invite, Membership, Submission, User
from learnclub.models.cohorts import MembershipStatus
from learnclub.prepared import Prepared

#: the lookup of every cohort page and API call, its SQL built once (prepared.Prepared)
_BY_SLUG = Prepared(lambda slug: Cohort.select().where(Cohort.slug == slug).limit(1),
                    "\x00slug")


def cohort_by_slug(slug):
    """The cohort at this address, or None."""
    if not isinstance(slug, str):
        return Cohort.get_or_none(Cohort.slug == slug)
    return _BY_SLUG.first(slug)


def public_cohorts(*, limit=50):
    """Public cohorts anyone may look at, newest first."""
    return list(Cohort.select().where(Cohort.is_public).order_by(Cohort.created_at.desc())
                .limit(limit))


def memberships_of(user):
    """All the user's memberships (removed ones too) with their cohorts, by cohort name."""
    return list(Membership.select(Membership, Cohort).join(Cohort)
                .where(Membership.user == user.id).order_by(Cohort.name))


def active_memberships_of(user):
    """The user's active memberships with their cohorts: one query."""
    return list(Membership.select(Membership, Cohort).join(Cohort)
                .where((Membership.user == user) & (Membership.status == MembershipStatus.ACTIVE)))


def active_cohort_ids(user):
    """Ids of the cohorts the user is an active member of."""
    return [m.cohort_id for m in Membership.select(Membership.cohort).where(
        (Membership.user == user.id) & (Membership.status == MembershipStatus.ACTIVE))]


def member_of(cohort, user_id):
    """The membership (any status) of the user with this id in the cohort, or None."""
    return Membership.get_or_none((Membership.cohort == cohort) & (Membership.user == user_id))


def active_learners(cohort):
    """The cohort's active learners (accounts), oldest account first."""
    return [m.user for m in participation.active_learners(cohort, with_users=True)
            .order_by(User.id)]


def _page(query, field, after, limit):
    if after is not None:
        query = query.where(field > after)
    return list(query.order_by(field).limit(limit))


def my_cohorts_page(user, *, after=None, limit=None):
    """The user's active memberships with their cohorts, oldest membership first."""
    return _page(Membership.select(Membership, Cohort).join(Cohort).where(
        (Membership.user == user.id) & (Membership.status == MembershipStatus.ACTIVE)),
        Membership.id, after, limit)


def members_page(cohort, *, after=None, limit=None):
    """The cohort's memberships (removed ones too) with their accounts, in membership order."""
    return _page(Membership.select(Membership, User).join(User)
                 .where(Membership.cohort == cohort), Membership.id, after, limit)


def homework_counts(cohort, user_ids):
    """{user id: homework handed in on the cohort's live cases} for these users; one query
    (users without homework are left out)."""
    return dict(Submission.select(Submission.user, fn.COUNT(Submission.id))
                .join(Case).where((Case.cohort == cohort) & Case.archived_at.is_null()
                                  & Submission.user.in_(list(user_ids)))
                .group_by(Submission.user).tuples())


def application_of(cohort, user):
    """The user's application to the cohort (in any state), or None."""
    return Application.get_or_none((Application.cohort == cohort)
                                   & (Application.user == user.id))


def application_in(cohort, application_id):
    """The cohort's application with this id, or None (another cohort's is not there)."""
    return Application.get_or_none((Application.id == application_id)
                                   & (Application.cohort == cohort))


def applications_in(cohort, status):
    """The cohort's applications in this state with their applicants, oldest first."""
    return list(Application.select(Application, User).join(User, on=Application.user)
                .where((Application.cohort == cohort) & (Application.status == status))
                .order_by(Application.created_at))


def application_counts(cohort):
    """{state: how many applications} of the cohort (states without any are left out)."""
    return dict(Application.select(Application.status, fn.COUNT(Application.id))
                .where(Application.cohort == cohort).group_by(Application.status).tuples())


def invites_of(cohort):
    """The cohort's invite links (dead ones too), newest first."""
    return list(Invite.select().where(Invite.cohort == cohort)
                .order_by(Invite.created_at.desc()))


def invite_in(cohort, invite_id):
    """The cohort's invite link with this id, or None."""
    return Invite.get_or_none((Invite.id == invite_id) & (Invite.cohort == cohort))
