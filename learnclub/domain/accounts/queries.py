"""The accounts area's questions: an account, its signed-in browsers and API tokens, and
whose profile a reader may open."""
from learnclub.models import AccessToken, LoginSession, Membership, User
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus


def user_by_id(user_id):
    """The account with this id, or None."""
    return User.get_or_none(User.id == user_id)


def other_session_count(user):
    """How many browsers besides this one the user is signed in on."""
    return LoginSession.select().where(LoginSession.user == user.id).count() - 1


def own_token(user, token_id):
    """The user's API token with this id (live or revoked), or None (nobody else's)."""
    return AccessToken.get_or_none((AccessToken.id == token_id) & (AccessToken.user == user.id))


def shares_a_cohort(viewer, user_id):
    """True if the account with this id is in a cohort the viewer is an active member of:
    whose profile the viewer may open (docs/rules.md "People")."""
    mine = Membership.select(Membership.cohort).where(
        (Membership.user == viewer.id) & (Membership.status == MembershipStatus.ACTIVE))
    return Membership.select().where((Membership.user == user_id)
                                     & (Membership.cohort.in_(mine))).exists()


def may_see_mention_contacts(viewer, user_id):
    """True if the viewer may see this account's mobile number and Feishu user id for robot
    mentions: it is their own, or they are an active host or assistant of a cohort the
    account is an active member of. Learners and the directory never see them."""
    if viewer.id == user_id:
        return True
    staffed = Membership.select(Membership.cohort).where(
        (Membership.user == viewer.id) & (Membership.status == MembershipStatus.ACTIVE)
        & Membership.role.in_(STAFF_ROLES))
    return Membership.select().where(
        (Membership.user == user_id) & (Membership.status == MembershipStatus.ACTIVE)
        & Membership.cohort.in_(staffed)).exists()
