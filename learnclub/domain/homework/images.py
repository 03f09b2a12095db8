"""Pictures in homework (docs/rules.md "Homework pictures"): up to MAX_IMAGES per learner and
case, each decoded and re-encoded by the profile photos' rules (domain/accounts/photos.py: no
EXIF, no script, no decompression bomb) and kept in the database (domain/files.py).

A picture is uploaded at once, pending: tied to the learner and the case, not yet to a
submission; submitting the homework attaches every pending one (submission.py). Pending
pictures of a homework never submitted are dropped by the daily orphan job once older than
PENDING_KEPT. Who sees a picture: its learner always; anyone else only through the one rule
for who reads a submission (queries.readable_submission), and never a pending one.
"""
from datetime import timedelta

from peewee import fn

from learnclub.db import lock_row, write_transaction
from learnclub.domain import files
from learnclub.domain.accounts.photos import MAX_PHOTO_BYTES, reencode_image
from learnclub.domain.cases.editing import MAX_ID
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotFound, untranslated
from learnclub.domain.homework.queries import readable_submission, write_window
from learnclub.domain.homework.submission import check_window
from learnclub.models import Case, SubmissionImage, User
from learnclub.prepared import Prepared

MAX_IMAGES = 9  #: pictures in one homework
MAX_SIDE = 1600  #: pixels on the longer side once re-encoded: readable notes, small files
MAX_BYTES = MAX_PHOTO_BYTES  #: one upload, before re-encoding
#: a pending picture (uploaded, homework never submitted) is kept this long: longer than
#: any case's window with grace and a usual extension
PENDING_KEPT = timedelta(days=30)


def _mine_on(case, user):
    return (SubmissionImage.case == case) & (SubmissionImage.user == user.id)


def add_images(case, user, uploads, *, now, membership=None, tr=untranslated):
    """Re-encode and keep the uploaded pictures (bytes each) as the learner's pending ones on
    the case. All or none: one bad file refuses the lot. Returns the new rows."""
    membership = membership or access.membership_of(user, case.cohort)
    check_window(write_window(case, user, now=now, membership=membership, to_write=True), tr)
    if any(len(data) > MAX_BYTES for data in uploads):
        raise DomainError(tr("The photo is larger than 5 MB; make it smaller."), field="images")
    encoded = [reencode_image(data, side=MAX_SIDE, field="images", tr=tr) for data in uploads]
    with write_transaction():
        # one learner's uploads on two tabs at once: the second waits, then counts the first's
        lock_row(User.select(User.id).where(User.id == user.id)).first()
        had, last = (SubmissionImage.select(fn.COUNT(SubmissionImage.id),
                                            fn.MAX(SubmissionImage.position))
                     .where(_mine_on(case, user)).tuples().get())
        if had + len(encoded) > MAX_IMAGES:
            raise DomainError(tr("A homework holds at most %(max)d pictures: you have "
                                 "%(had)d, and chose %(more)d more. Remove some first.")
                              % {"max": MAX_IMAGES, "had": had, "more": len(encoded)},
                              field="images")
        position = (last or 0) + 1 if had else 0
        made = []
        for offset, (jpeg, width, height) in enumerate(encoded):
            made.append(SubmissionImage.create(
                case=case, user=user.id, sha256=files.keep(jpeg, "image/jpeg", now=now),
                position=position + offset, width=width, height=height, created_at=now))
    return made


def remove_image(case, user, image_id, *, now, membership=None, tr=untranslated):
    """Remove one of the learner's pictures on the case (pending or submitted) while they may
    still write; its bytes go unless something else holds them. Returns the removed row."""
    membership = membership or access.membership_of(user, case.cohort)
    check_window(write_window(case, user, now=now, membership=membership, to_write=True), tr)
    with write_transaction():
        image = (lock_row(SubmissionImage.select().where(
            _mine_on(case, user) & (SubmissionImage.id == image_id))).first()
            if 0 < image_id <= MAX_ID else None)
        if image is None:
            raise NotFound(tr("This picture is not there any more."))
        image.delete_instance()
        files.release(image.sha256)
    return image


_DRAFT = Prepared(lambda case_id, user_id: SubmissionImage.select().where(
    (SubmissionImage.case == case_id) & (SubmissionImage.user == user_id))
    .order_by(SubmissionImage.position, SubmissionImage.id), -7_000_000_001, -7_000_000_002)


_GALLERIES = Prepared(lambda ids: SubmissionImage.select().where(
    SubmissionImage.submission.in_(ids)).order_by(SubmissionImage.position, SubmissionImage.id),
    Prepared.IDS)


def draft_images(case, user):
    """The learner's pictures on the case, submitted and pending, in gallery order: what the
    editor shows, with a button to remove each. One query (its SQL built once)."""
    return _DRAFT.rows(case.id, user.id)


def galleries(submission_ids):
    """{submission id: [its pictures in order]}: one query, however many submissions."""
    shown = {}
    if not submission_ids:
        return shown
    for image in _GALLERIES.rows(list(submission_ids)):
        shown.setdefault(image.submission_id, []).append(image)
    return shown


def readable_image(cohort, image_id, reader, *, now):
    """The picture's bytes (files.Blob) if the reader may see it, else None: its learner
    always; others if they may read its submission (the one rule); a pending picture only
    its learner. A hidden picture and one that does not exist answer alike."""
    if not 0 < image_id <= MAX_ID:
        return None
    image = (SubmissionImage.select(SubmissionImage).join(Case)
             .where((SubmissionImage.id == image_id) & (Case.cohort == cohort)).first())
    if image is None:
        return None
    own = getattr(reader, "is_authenticated", False) and image.user_id == reader.id
    if not own and (image.submission_id is None or readable_submission(
            cohort, image.submission_id, reader, now=now) is None):
        return None
    return files.read(image.sha256)


def drop_stale_pending(*, now, kept=PENDING_KEPT):
    """Delete pending pictures older than `kept` (their homework was never submitted); the
    orphan job then deletes their bytes. Returns how many rows went."""
    return (SubmissionImage.delete()
            .where(SubmissionImage.submission.is_null()
                   & (SubmissionImage.created_at < now - kept)).execute())
