"""A talk's slides: one PDF per talk, kept in the instance's uploads folder at a path made
from the talk's id (no table needed: the file's presence is the fact)."""
from pathlib import Path

from learnclub.domain.errors import DomainError, untranslated

MAX_SLIDES_BYTES = 10 * 1024 * 1024  #: under the request limit (16 MB)


def slides_path(talk, uploads_dir):
    """Where the talk's slides live (whether or not they exist yet)."""
    return Path(uploads_dir) / "talks" / str(talk.cohort_id) / str(talk.id) / "slides.pdf"


def has_slides(talk, uploads_dir):
    return slides_path(talk, uploads_dir).is_file()


def store_slides(talk, data, *, uploads_dir, tr=untranslated):
    """Check and keep an uploaded PDF as the talk's slides, replacing earlier ones.
    Returns the path."""
    if len(data) > MAX_SLIDES_BYTES:
        raise DomainError(tr("The slides are larger than 10 MB; make the file smaller."),
                          field="slides")
    if not data.startswith(b"%PDF-"):
        raise DomainError(tr("Upload the slides as a PDF file."), field="slides")
    target = slides_path(talk, uploads_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)  # readers never see half a file
    return target
