"""Submitting homework (docs/rules.md "Homework"): one per learner per case, accepted until
due and marked late during grace, closed after; editable until the window closes (grace, or
the learner's extension). Every edit keeps the earlier text and moves `updated_at`, which is
how an edit after due shows (timing.py); the timing of the first submission never changes."""
import re

from peewee import IntegrityError

from learnclub.db import write_transaction
from learnclub.domain.cases.queries import slot_of
from learnclub.domain.cohorts import access
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, NotFound, untranslated
from learnclub.domain.homework.points import award_points
from learnclub.domain.homework.queries import write_window
from learnclub.domain.rendering import homework_html, homework_html_before_id
from learnclub.domain.text import LONG, check_text
from learnclub.models import Miss, Submission, SubmissionImage, SubmissionRevision
from learnclub.prepared import Prepared

#: a character a reader counts on its own: CJK ideographs, kana, hangul, full-width forms
_CJK = (r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
        r"\U00020000-\U0002fa1f")
_UNIT = re.compile(rf"[{_CJK}]|[^\s{_CJK}\W_]+(?:['’\-][^\s{_CJK}\W_]+)*", re.UNICODE)
_URL = re.compile(r"https?://\S+|\]\([^)]*\)")


def count_length(text):
    """Length as a reader counts it: each CJK character is one, each word or number is one.

    Markdown punctuation and link targets do not count; the editor's counter uses the same
    rule (static/homework.js).
    """
    return len(_UNIT.findall(_URL.sub(" ", text or "")))


def check_window(window, tr):
    """Refuse unless `window` (homework.queries.write_window) lets the learner write."""
    if window == "not_learner":
        raise NotAllowed(tr("Homework is written by the cohort's active learners."))
    if window in ("scheduled", "archived"):
        raise NotFound(tr("This case is not open for homework."))
    if window == "closed":
        raise Conflict(tr("Homework for this case closed at the end of the grace period; "
                          "it can no longer be submitted or changed."))


def _check_body(cohort, body, tr):
    check_text(body, field="body_md", label=tr("Your homework"), max_length=LONG,
               required=True, tr=tr)
    length = count_length(body)
    if length < cohort.homework_min_length:
        raise DomainError(tr("Write at least %(min)d characters or words: %(missing)d more to go.")
                          % {"min": cohort.homework_min_length,
                             "missing": cohort.homework_min_length - length}, field="body_md")
    return length


def submit_homework(case, user, body, *, now, membership=None, slot=None, tr=untranslated):
    """Create or update the learner's submission. Returns (submission with `.case` and
    `.user`, created). `membership`: the user's in the case's cohort, if the caller has it
    (else looked up); set `case.cohort` when the caller holds the cohort; `slot`: the
    case's (slot_of), if the caller has it.

    Late work is judged on the first submission; points are awarded once per submission.
    """
    cohort = case.cohort
    slot = slot or slot_of(case)  # the window, and lateness on the first submission
    check_window(write_window(case, user, now=now, slot=slot,
                              membership=membership or access.membership_of(user, cohort),
                              to_write=True), tr)
    length = _check_body(cohort, body, tr)
    try:
        with write_transaction():
            return _save(case, user, body, length, slot, now=now)
    except IntegrityError:  # the same learner submitted twice at the same moment
        return _save(case, user, body, length, slot, now=now)


def _save(case, user, body, length, slot, *, now):
    """(submission, created): a new submission, or the existing one with the new text; the
    learner's pending pictures on the case attached to it (images.py)."""
    submission, created = _save_text(case, user, body, length, slot, now=now)
    _attach_pending(submission)
    return submission, created


def _attach_pending(submission):
    """The learner's pictures uploaded before this save join the submission."""
    _ATTACH.run(submission.id, submission.case_id, submission.user_id)


_ID1, _ID2, _ID3 = -7_000_000_001, -7_000_000_002, -7_000_000_003  #: samples (prepared.Prepared)
#: what every save runs, its SQL built once (prepared.Prepared): the learner's submission on the
#: case, read first; a new one written; pending pictures attached; a miss voided
_OWN = Prepared(lambda case_id, user_id: Submission.select().where(
    (Submission.case == case_id) & (Submission.user == user_id)).limit(1), _ID1, _ID2)
_NEW = Prepared(lambda case_id, user_id, body, length, at, late, html: Submission.insert(
    case=case_id, user=user_id, body_md=body, length=length, submitted_at=at, updated_at=at,
    late_seconds=late, body_html=html), _ID1, _ID2, "sample body", -7_000_000_004,
    Prepared.TIME, -7_000_000_005, "sample html")
_ATTACH = Prepared(lambda submission_id, case_id, user_id: SubmissionImage.update(
    submission=submission_id).where(
    (SubmissionImage.case == case_id) & (SubmissionImage.user == user_id)
    & SubmissionImage.submission.is_null()), _ID3, _ID1, _ID2)
_VOID_MISS = Prepared(lambda at, case_id, user_id: Miss.update(
    voided_at=at, void_reason="handed in during an extension").where(
    (Miss.case == case_id) & (Miss.user == user_id) & Miss.voided_at.is_null()),
    Prepared.TIME, _ID1, _ID2)


def _save_text(case, user, body, length, slot, *, now):
    """(submission, created): a new submission, or the existing one with the new text."""
    existing = _OWN.first(case.id, user.id)
    if existing is not None:
        existing.case, existing.user = case, user  # the rows in hand: no lazy loads
        if existing.body_md != body:
            SubmissionRevision.create(submission=existing, body_md=existing.body_md,
                                      created_at=existing.updated_at)
            existing.body_md, existing.length, existing.updated_at = body, length, now
            existing.body_html = homework_html(existing.id, body)
            existing.save(only=[Submission.body_md, Submission.length, Submission.updated_at,
                                Submission.body_html])  # what changed, nothing else
        return existing, False
    late = max(0, int((now - slot.due_at).total_seconds()))
    html = homework_html_before_id(body)  # stored with the row unless it needs the id
    at = Submission.submitted_at.db_value(now)
    new_id = _NEW.run(case.id, user.id, body, length, at, late, html)
    submission = Submission(id=new_id, case=case, user=user, body_md=body, length=length,
                            submitted_at=now, updated_at=now, late_seconds=late,
                            body_html=html)
    submission._dirty.clear()  # as written: saving it again changes nothing
    if html is None:  # anchors (headings, footnotes) carry the new id: a second write
        submission.body_html = homework_html(submission.id, body)
        Submission.update(body_html=submission.body_html).where(
            Submission.id == submission.id).execute()
    cohort = case.cohort
    kind, points = ("late", cohort.points_late) if late else ("on_time", cohort.points_on_time)
    award_points(cohort, user, key=f"submission:{submission.id}:submitted", kind=kind,
                 points=points, now=now, case=case)
    _VOID_MISS.run(Miss.voided_at.db_value(now), case.id, user.id)
    return submission, True
