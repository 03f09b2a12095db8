"""A talk's slides: one PDF per talk, kept in the database (domain/files.py) and pointed at by
the talk's TalkSlides row."""
from learnclub.db import lock_row, write_transaction
from learnclub.domain import files
from learnclub.domain.errors import DomainError, untranslated
from learnclub.models import TalkSlides

MAX_SLIDES_BYTES = 10 * 1024 * 1024  #: under the request limit (16 MB)


def slides_sha256(talk):
    """The sha256 of the talk's slides, or None if it has none."""
    row = TalkSlides.get_or_none(TalkSlides.talk == talk)
    return row.sha256 if row is not None else None


def _locked_sha256(talk):
    row = lock_row(TalkSlides.select().where(TalkSlides.talk == talk)).first()
    return row.sha256 if row is not None else None


def has_slides(talk):
    return slides_sha256(talk) is not None


def slides_of(talk):
    """The talk's slides as a stored Blob, or None."""
    sha = slides_sha256(talk)
    return files.read(sha) if sha else None


def store_slides(talk, data, *, now, tr=untranslated):
    """Check and keep an uploaded PDF as the talk's slides, replacing earlier ones.
    Returns its sha256."""
    if len(data) > MAX_SLIDES_BYTES:
        raise DomainError(tr("The slides are larger than 10 MB; make the file smaller."),
                          field="slides")
    if not data.startswith(b"%PDF-"):
        raise DomainError(tr("Upload the slides as a PDF file."), field="slides")
    with write_transaction():
        sha = files.keep(data, "application/pdf", now=now)
        old = _locked_sha256(talk)
        if old is None:
            TalkSlides.insert(talk=talk, sha256=sha, created_at=now).on_conflict(
                conflict_target=[TalkSlides.talk],
                update={TalkSlides.sha256: sha, TalkSlides.created_at: now}).execute()
        elif old != sha:
            TalkSlides.update(sha256=sha, created_at=now).where(
                TalkSlides.talk == talk).execute()
            files.release(old)
    return sha


def remove_slides(talk):
    """Forget the talk's slides. True if it had some."""
    with write_transaction():
        old = _locked_sha256(talk)
        TalkSlides.delete().where(TalkSlides.talk == talk).execute()
        files.release(old)
    return old is not None
