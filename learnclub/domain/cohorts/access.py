"""Who may do what in a cohort (docs/rules.md "People"). Every route asks here, never a
template."""
from learnclub.domain.errors import NotAllowed, untranslated
from learnclub.models import Membership
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus
from learnclub.prepared import Prepared

#: action -> roles (of an *active* membership) that may take it
PERMISSIONS = {
    "view_members": ("host", "assistant", "learner", "guest"),
    "view_cohort_pages": ("host", "assistant", "learner", "guest"),
    "edit_cohort": STAFF_ROLES,
    "review_applications": STAFF_ROLES,
    "manage_invites": STAFF_ROLES,
    "change_roles": ("host",),
    "delete_cohort": ("host",),
    "view_sent_mail": STAFF_ROLES,
    "manage_cases": STAFF_ROLES,
    "track_homework": STAFF_ROLES,  #: the heatmap, case reports, anyone's history, the CSV
    #: the dry run, pausing removals, leave decisions, excuses, extensions, readmission,
    #: seat offers, the membership log
    "manage_participation": STAFF_ROLES,
    #: removing a member by hand, confirming removals the safety stop held
    "remove_member": ("host",),
    "manage_sharing": STAFF_ROLES,
    "propose_talk": ("host", "assistant", "learner", "guest"),
    #: posting, pinning and unpinning announcements (公告); writing the rules (群规)
    "post_announcements": STAFF_ROLES,
    #: the deposit list, recording and correcting deposits, marking refunds paid, its CSV
    "manage_deposits": STAFF_ROLES,
}


#: asked on nearly every request: its SQL built once (prepared.Prepared)
_MEMBERSHIP = Prepared(lambda cohort_id, user_id: Membership.select().where(
    (Membership.cohort == cohort_id) & (Membership.user == user_id)).limit(1),
    -7_000_000_001, -7_000_000_002)
_LOOK_UP = object()  #: "read the membership yourself"


def membership_of(user, cohort):
    """The user's membership in the cohort, or None (also for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cohort_id, user_id = getattr(cohort, "id", cohort), getattr(user, "id", None)
    if not (isinstance(cohort_id, int) and isinstance(user_id, int)):
        return Membership.get_or_none((Membership.cohort == cohort) & (Membership.user == user))
    return _MEMBERSHIP.first(cohort_id, user_id)


def can(user, action, cohort, membership=None):
    """True if the user holds an active role in the cohort that allows the action."""
    membership = membership or membership_of(user, cohort)
    return (membership is not None and membership.status == MembershipStatus.ACTIVE
            and membership.role in PERMISSIONS[action])


def may_read_sharing(user, cohort, membership=None):
    """Whether the reader may read the cohort's sharing calendar and archive (往期分享):
    anyone for a public cohort, its active members otherwise."""
    return cohort.is_public or can(user, "view_cohort_pages", cohort, membership)


def may_edit_case(user, case, membership=None):
    """Whether the user may open the case in the editor (docs/rules.md "Members write too"):
    staff always; the member the host handed it to (case.author) only while they are an
    active learner and the case is their draft ("writing": not yet submitted for review,
    approved or published)."""
    membership = membership or membership_of(user, case.cohort)
    if can(user, "manage_cases", case.cohort, membership):
        return True
    return (membership is not None and membership.status == MembershipStatus.ACTIVE
            and membership.role == "learner" and case.author_id is not None
            and case.author_id == membership.user_id and case.review_state == "writing"
            and case.archived_at is None)


def require(user, action, cohort, *, tr=untranslated, membership=_LOOK_UP):
    """Raise NotAllowed unless `can(user, action, cohort)`; returns the membership
    (`membership`: the user's in the cohort, None for none, if the caller has read it)."""
    if membership is _LOOK_UP:
        membership = membership_of(user, cohort)
    if not can(user, action, cohort, membership):
        if membership is not None and membership.status == "removed":
            raise NotAllowed(tr("You are no longer a member of this cohort, so this page is "
                                "closed to you. Your own past homework stays readable, and "
                                "exportable, under My homework."))
        raise NotAllowed(tr("This page is for members of the cohort with the right role."))
    return membership


def require_own_work(user, cohort, *, tr=untranslated):
    """Like `require(user, "view_cohort_pages", ...)`, but a removed member passes too: they
    keep reading and exporting their own past homework (docs/rules.md "People")."""
    membership = membership_of(user, cohort)
    if membership is not None and membership.status == "removed":
        return membership
    return require(user, "view_cohort_pages", cohort, tr=tr)
