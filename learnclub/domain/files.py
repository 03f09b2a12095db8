"""Files in the database: profile photos, case images (uploaded in the editor or imported
from beside a case's Markdown file at sync) and talk slides.

Content-addressed: a file is its bytes' SHA-256; the same bytes are stored once, however many
rows point at them (CaseFile.stored_as, User.photo, TalkSlides.sha256,
SubmissionImage.sha256). A row that lets go
calls `release`, which deletes the bytes when no row points at them any more, in the same
transaction. `keep` and `release` lock the StoredFile row first (PostgreSQL; SQLite's write
lock covers it), so one box storing a reference while another releases the last one never
leaves a reference without its bytes. Rows deleted by a cascade (a case or a user deleted)
leave their bytes behind: `drop_orphans` (the daily job `drop_orphaned_files`) deletes those
once they are older than ORPHAN_GRACE, by the same lock-then-look rule as `release`.
"""
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from learnclub.db import lock_row, write_transaction
from learnclub.models import CaseFile, StoredFile, SubmissionImage, TalkSlides, User


@dataclass(frozen=True)
class Blob:
    sha256: str
    content_type: str
    size: int
    data: bytes


def digest(data):
    return hashlib.sha256(data).hexdigest()


def _locked(sha):
    return lock_row(StoredFile.select(StoredFile.sha256)
                    .where(StoredFile.sha256 == sha)).first()


def keep(data, content_type, *, now):
    """Store the bytes once; returns their sha256, for the row that points at them. Call it
    inside the `write_transaction` that writes that row."""
    sha = digest(data)
    if _locked(sha) is None:
        StoredFile.insert(sha256=sha, size=len(data), content_type=content_type, data=data,
                          created_at=now).on_conflict_ignore().execute()
    return sha


def referenced(sha):
    """True if a row still points at these bytes."""
    return (CaseFile.select().where(CaseFile.stored_as == sha).exists()
            or User.select().where(User.photo == sha).exists()
            or TalkSlides.select().where(TalkSlides.sha256 == sha).exists()
            or SubmissionImage.select().where(SubmissionImage.sha256 == sha).exists())


def release(sha):
    """Delete the bytes if no row points at them any more (call after the row let go, in its
    transaction). Returns True if they were deleted."""
    if not sha or _locked(sha) is None or referenced(sha):
        return False
    return StoredFile.delete().where(StoredFile.sha256 == sha).execute() > 0


def read(sha):
    """The stored file as a Blob, or None."""
    row = StoredFile.get_or_none(StoredFile.sha256 == sha) if sha else None
    if row is None:
        return None
    return Blob(row.sha256, row.content_type, row.size, bytes(row.data))


def exists(sha):
    return bool(sha) and StoredFile.select().where(StoredFile.sha256 == sha).exists()


#: bytes stored more recently than this are never dropped as orphans: an upload's row may be
#: on its way still (every caller of `keep` writes it in the same transaction; this is a margin)
ORPHAN_GRACE = timedelta(hours=1)


def _unused():
    used = (CaseFile.select(CaseFile.stored_as)
            | User.select(User.photo).where(User.photo != "")
            | TalkSlides.select(TalkSlides.sha256)
            | SubmissionImage.select(SubmissionImage.sha256))
    return StoredFile.sha256.not_in(used)


def drop_orphans(*, now, grace=ORPHAN_GRACE):
    """Delete stored bytes no row points at (left by cascading deletes) and stored before
    `now - grace`. Returns how many were deleted."""
    with write_transaction():
        # Lock the candidates first, then ask again: a writer that was keeping one of them
        # for a new row (same bytes uploaded again) has committed by now, and its row counts.
        candidates = [row.sha256 for row in lock_row(
            StoredFile.select(StoredFile.sha256)
            .where((StoredFile.created_at < now - grace) & _unused()))]
        if not candidates:
            return 0
        return (StoredFile.delete()
                .where(StoredFile.sha256.in_(candidates) & _unused()).execute())
