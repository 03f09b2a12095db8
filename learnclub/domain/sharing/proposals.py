"""Talks proposed by visitors (docs/rules.md "Weekly guest sharing"): a public cohort may let
people who are not members propose a talk; the host then approves the account as a guest (a
membership with the role "guest") before giving the talk a week."""
from peewee import IntegrityError

from learnclub.db import write_transaction
from learnclub.domain.errors import Conflict, NotAllowed, untranslated
from learnclub.domain.reach import talk_notices
from learnclub.domain.sharing.talks import propose_talk
from learnclub.models import Membership, MembershipEvent, Talk
from learnclub.models.cohorts import MembershipStatus


def proposals_open(cohort):
    """True if visitors may propose a talk to the cohort."""
    return cohort.is_public and cohort.guest_proposals_public


def propose_as_visitor(cohort, visitor, *, link, now, tr=untranslated, **fields):
    """A non-member proposes a talk (sharing.propose_talk) and gets its receipt; one proposal
    waiting for a decision at a time. Returns the talk."""
    if not proposals_open(cohort):
        raise NotAllowed(tr("This cohort does not take proposals from visitors."))
    if Membership.select().where((Membership.cohort == cohort)
                                 & (Membership.user == visitor.id)).exists():
        raise NotAllowed(tr("Members propose talks from the cohort's own pages."))
    waiting = Talk.select().where((Talk.cohort == cohort) & (Talk.guest == visitor.id)
                                  & (Talk.status == "submitted")).exists()
    if waiting:
        raise Conflict(tr("You already have a proposal waiting for a decision."))
    talk = propose_talk(cohort, visitor, now=now, tr=tr, **fields)
    talk_notices.mail_talk_received(talk=talk, link=link, now=now)
    return talk


def visitors_among(cohort, user_ids):
    """Of `user_ids`, those without an active membership of the cohort: not approved yet."""
    if not user_ids:
        return set()
    members = {m.user_id for m in Membership.select(Membership.user).where(
        (Membership.cohort == cohort) & Membership.user.in_(list(user_ids))
        & (Membership.status == MembershipStatus.ACTIVE))}
    return set(user_ids) - members


def unapproved_proposers(cohort, board):
    """The proposers on a sharing_review.ReviewBoard whom the host has not approved yet."""
    return visitors_among(cohort, {talk.guest_id for week in board.weeks
                                   for _rank, talk in week.proposals}
                          | {talk.guest_id for talk in board.unlisted})


def approve_guest(talk, *, actor, now, tr=untranslated):
    """Admit the proposer of a waiting talk as a guest of its cohort (a MembershipEvent
    records it). Returns the new membership."""
    try:
        with write_transaction():
            talk = Talk.get_by_id(talk.id)
            if talk.status != "submitted":
                raise Conflict(tr("This proposal was already decided."))
            membership = Membership.create(cohort=talk.cohort_id, user=talk.guest_id,
                                           role="guest", joined_at=now)
            MembershipEvent.create(cohort=talk.cohort_id, user=talk.guest_id,
                                   action="admitted_as_guest", reason=f"talk {talk.id}",
                                   actor=actor, at=now)
    except IntegrityError as exc:  # one membership per person and cohort
        raise Conflict(tr("This person is already in the cohort.")) from exc
    return membership
