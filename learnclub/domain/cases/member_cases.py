"""Members write too (轮值, docs/rules.md "Members write too"): the host hands a coming case
to an active learner, who drafts it in the editor and submits it for review; the host
approves it (it then goes out at its slot, or at once if that has passed) or sends it back
with a note. Before it is out the host may take the case back (it is the staff's again, the
text kept) or withdraw an approval (it waits for review again).

A member's case is out only once approved and its time has come (Case.is_out); it came out
at the later of its slot and its approval, which approval writes into `publish_at`
(Case.has_come_out). Who may open it in the editor is access.may_edit_case. Every step is
written to the cohort's log.
"""
from datetime import timedelta

from learnclub.db import write_transaction
from learnclub.domain.cases.editing import create_case, reschedule
from learnclub.domain.cases.schedule import time_has_come
from learnclub.domain.cases.windows import check_window
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.reach import inbox
from learnclub.domain.text import LONG, check_text
from learnclub.models import Case, Membership, User
from learnclub.models.cohorts import MembershipStatus, Role

WRITING, SUBMITTED, APPROVED = "writing", "submitted", "approved"


def _learner(cohort, user_id, tr):
    """The active learner of the cohort with this user id, or DomainError."""
    membership = (Membership.select(Membership, User).join(User)
                  .where((Membership.cohort == cohort) & (Membership.user == user_id)
                         & (Membership.role == Role.LEARNER)
                         & (Membership.status == MembershipStatus.ACTIVE)).first()) \
        if isinstance(user_id, int) and 0 < user_id < 2**63 else None
    if membership is None:
        raise DomainError(tr("Choose an active learner of the cohort."), field="author")
    return membership.user


def _check_coming(case, now, tr):
    if case.archived_at is not None or case.has_come_out(now):
        raise DomainError(tr("This case has already gone out; only a coming case can be "
                             "handed to a member."))


def assign_case(case, user_id, *, actor, now, tr=untranslated):
    """Hand a coming case to the active learner `user_id`: it becomes their draft."""
    _check_coming(case, now, tr)
    author = _learner(case.cohort, user_id, tr)
    with write_transaction():
        case.author, case.review_state, case.updated_at = author, WRITING, now
        case.save()
        record(case.cohort, Action.CASE_ASSIGNED, actor=actor, now=now,
               subject=(author, case))
    return case


def create_assigned_case(cohort, title, brief, user_id, *, actor, now, tr=untranslated):
    """A new case at the end of the queue, handed to the learner `user_id`; `brief` is what
    the host asks of it (shown to the member in the editor)."""
    check_text(brief, field="brief", label=tr("Brief"), max_length=LONG, tr=tr)
    author = _learner(cohort, user_id, tr)
    case = create_case(cohort, {"title": title, "body_md": "", "homework_prompt": ""},
                       actor=actor, now=now, tr=tr)
    with write_transaction():
        case.author, case.review_state, case.review_note = author, WRITING, brief
        case.updated_at = now
        case.save()
        record(cohort, Action.CASE_ASSIGNED, actor=actor, now=now, subject=(author, case))
    return case


def submit_case(case, *, actor, now, tr=untranslated):
    """The member hands their draft to the host: it is marked 待审阅 and no longer theirs to
    edit."""
    if case.review_state != WRITING or not case.title.strip() or not case.body_md.strip():
        raise DomainError(tr("Write a title and the case text before submitting it."))
    with write_transaction():
        case.review_state, case.updated_at = SUBMITTED, now
        case.save()
        record(case.cohort, Action.CASE_SUBMITTED, actor=actor, now=now, subject=case)


def out_time(case, now):
    """When the case goes out if approved at `now`: its slot, or `now` if that has passed
    (it came out when approved, not before: learners could not read it)."""
    return now if time_has_come(case.publish_at, now) else case.publish_at


def approve_case(case, *, actor, now, tr=untranslated):
    """The host accepts the member's case: it goes out at its slot, or at once if that has
    passed. Approved late, the case came out now: `publish_at` becomes now (logged with the
    slot it missed), so its window, its due time by the rule and who owes homework count
    from the approval; a fixed due time must still leave the cohort's minimum window
    (windows.check_window, as in the editor), else nothing changes."""
    if case.review_state not in (WRITING, SUBMITTED):
        raise DomainError(tr("This case is not waiting for review."))
    out_at = out_time(case, now)
    changes = None
    if out_at != case.publish_at:
        check_window(case.cohort, {"publish_at": out_at, "due_at": case.due_at_fixed,
                                   "no_homework": case.no_homework}, now=now, tr=tr)
        changes = {"publish_at": [case.publish_at, out_at]}
    with write_transaction():
        case.review_state, case.review_note, case.updated_at = APPROVED, "", now
        if changes:  # nobody was shown a due time for a case that was not out
            case.publish_at, case.due_shown_at = out_at, None
        case.save()
        if changes:  # the queued cases after it count from its real publication
            reschedule(case.cohort, now=now)
        record(case.cohort, Action.CASE_APPROVED, actor=actor, now=now, subject=case,
               changes=changes)


def take_back(case, *, actor, now, tr=untranslated):
    """The host takes a member's case back before it is approved: the member may no longer
    edit it and is told in their messages; the case is the staff's again, its text (the
    member's draft) and the host's brief kept. A case whose slot has passed goes back into
    the queue, so it never goes out the moment it is taken back."""
    if case.archived_at is not None or case.review_state not in (WRITING, SUBMITTED):
        raise DomainError(tr("Only a member's case not yet approved can be taken back."))
    author_id, cohort = case.author_id, case.cohort
    changes = None
    if time_has_come(case.publish_at, now):
        changes = {"publish_at": [case.publish_at, None]}
    with write_transaction():
        case.author, case.review_state, case.updated_at = None, "", now
        if changes:
            case.publish_at, case.publish_fixed = None, False
        case.save()
        if changes:
            reschedule(cohort, now=now)
            changes["publish_at"][1] = Case.get_by_id(case.id).publish_at
        record(cohort, Action.CASE_TAKEN_BACK, actor=actor, now=now,
               subject=(author_id, case), changes=changes)
        if author_id is not None:
            inbox.record(author_id, inbox.Kind.CASE_TAKEN_BACK,
                         key=f"case:{case.id}:taken-back:{author_id}:{now:%Y%m%dT%H%M%S}",
                         now=now, cohort=cohort.id, link=f"/c/{cohort.slug}/",
                         title=case.title)


def withdraw_approval(case, *, actor, now, tr=untranslated):
    """The host withdraws the approval of a member's case that is not out yet: it waits for
    review again ("submitted"), its author still unable to edit it; the host may then edit
    it, send it back with a note, take it back or approve it again."""
    if case.archived_at is not None or case.review_state != APPROVED or case.has_come_out(now):
        raise DomainError(tr("Only an approved case that has not gone out yet can go back "
                             "to review."))
    with write_transaction():
        case.review_state, case.updated_at = SUBMITTED, now
        case.save()
        record(case.cohort, Action.CASE_APPROVAL_WITHDRAWN, actor=actor, now=now,
               subject=case)


def send_back(case, note, *, actor, now, tr=untranslated):
    """The host returns a submitted case to its author with a note; they may edit it again."""
    if case.review_state != SUBMITTED:
        raise DomainError(tr("This case is not waiting for review."))
    check_text(note, field="note", label=tr("Note to the author"), required=True,
               max_length=LONG, tr=tr)
    with write_transaction():
        case.review_state, case.review_note, case.updated_at = WRITING, note, now
        case.save()
        record(case.cohort, Action.CASE_SENT_BACK, actor=actor, now=now, subject=case,
               changes={"note": note})


def assignable_learners(cohort):
    """The cohort's active learners, by name: whom a case can be handed to (one query)."""
    return list(User.select(User).join(Membership, on=(Membership.user == User.id))
                .where((Membership.cohort == cohort) & (Membership.role == Role.LEARNER)
                       & (Membership.status == MembershipStatus.ACTIVE))
                .order_by(User.display_name, User.id))


#: how long before its time a member's case not yet approved shows on the host's to-do
WARN_HOURS = 48


def late_drafts(slots, *, now, hours=WARN_HOURS):
    """The schedule's slots of members' cases not yet approved whose publication time is
    within `hours` or has passed: they will not go out; the host's to-do warns (no query).
    [(slot, whether its time has passed)]."""
    return [(s, s.publish_at <= now) for s in slots
            if s.case.review_state in (WRITING, SUBMITTED)
            and s.publish_at is not None and s.publish_at <= now + timedelta(hours=hours)]


def drafts_of(cohort, user):
    """The member's cases to write in the cohort (handed to them, not yet submitted), in
    publication order (one query)."""
    cases = list(Case.live(cohort).where((Case.author == user.id)
                                         & (Case.review_state == WRITING)))
    for case in cases:
        case.cohort = cohort
    return cases


def authors_of(cases):
    """{user id: User} of the cases' authors (one query, none if no case has one)."""
    ids = {c.author_id for c in cases if c.author_id}
    return {u.id: u for u in User.select().where(User.id.in_(ids))} if ids else {}
