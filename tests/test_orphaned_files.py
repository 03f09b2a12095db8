"""Stored files no row points at any more (issue "Production on one box and on many"): the
daily job `drop_orphaned_files` deletes them once they are older than files.ORPHAN_GRACE,
keeps every file a photo, a case image or talk slides point at, and keeps a fresh one, whose
row may be on its way still. Running it again does nothing more."""
import io
import logging
import re
import threading
import time
from datetime import timedelta

from PIL import Image

from learnclub import heartbeat, jobs
from learnclub.db import db, is_sqlite, write_transaction
from learnclub.domain import files
from learnclub.domain.accounts import photos
from learnclub.domain.cases import images
from learnclub.domain.sharing import slides
from learnclub.models import StoredFile, Talk, User
from tests.factories import make_case, make_cohort, make_member, make_user

PDF = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"


def image_bytes(fmt, color):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, fmt)
    return out.getvalue()


def orphan(data, *, now):
    """Bytes kept with no row pointing at them: what a deleted case or user leaves behind."""
    with write_transaction():
        return files.keep(data, "application/octet-stream", now=now)


def stored():
    return sorted(row.sha256 for row in StoredFile.select(StoredFile.sha256))


def referenced_files(*, now):
    """A photo, a case image and talk slides, stored at `now`; their sha256s."""
    cohort = make_cohort()
    guest = make_member(cohort, role="guest")
    talk = Talk.create(cohort=cohort, guest=guest, topic="分享", created_at=now, updated_at=now)
    photo = photos.set_photo(make_user(), image_bytes("JPEG", "teal"), now=now)
    image = images.store_case_image(make_case(cohort), "map.png", image_bytes("PNG", "orange"),
                                    now=now).stored_as
    return [photo, image, slides.store_slides(talk, PDF, now=now)]


def test_drop_orphans_deletes_an_old_orphan_and_keeps_referenced_and_fresh_files(app, clock):
    old = orphan(b"left by a deleted case", now=clock.now())
    used = referenced_files(now=clock.now())
    clock.advance(hours=2)
    fresh = orphan(b"uploaded a moment ago", now=clock.now() - timedelta(minutes=59))

    dropped = files.drop_orphans(now=clock.now())

    assert (dropped, stored()) == (1, sorted([*used, fresh]))
    assert old not in stored()


def test_drop_orphans_keeps_an_orphan_until_its_grace_is_over(app, clock):
    sha = orphan(b"one", now=clock.now())
    stored_at = StoredFile.get_by_id(sha).created_at

    at_the_end = files.drop_orphans(now=stored_at + files.ORPHAN_GRACE)
    left = stored()
    after = files.drop_orphans(now=stored_at + files.ORPHAN_GRACE + timedelta(seconds=1))

    assert (at_the_end, left, after, stored()) == (0, [sha], 1, [])


def test_the_job_drops_an_orphan_once_and_runs_again_harmlessly(app, clock, caplog):
    used = referenced_files(now=clock.now())
    orphan(b"left by a deleted user", now=clock.now())
    clock.advance(days=1)
    settings = dict(app.config)

    with caplog.at_level(logging.INFO, logger="learnclub.jobs"):
        first = jobs.run_job(settings, "drop_orphaned_files", now=clock.now())
        second = jobs.run_job(settings, "drop_orphaned_files", now=clock.now())

    lines = [r.getMessage() for r in caplog.records if r.name == "learnclub.jobs"]
    assert (first, second, stored()) == (1, 0, sorted(used))
    assert [re.sub(r"\d+ ms", "N ms", line) for line in lines] == [
        "job drop_orphaned_files finished in N ms: 1",
        "job drop_orphaned_files finished in N ms: 0"]
    run = heartbeat.runs()["drop_orphaned_files"]
    assert (run.runs, run.last_error_at, heartbeat.is_failing(run)) == (2, None, False)
    assert jobs.JOBS["drop_orphaned_files"][1] == 24 * 3600


def test_an_old_orphan_uploaded_again_while_the_job_runs_is_kept(app, clock):
    """The same bytes uploaded again (a new row about to point at the old orphan, its
    transaction still open) while the job looks: the job waits for it and keeps them."""
    user, data = make_user(), b"the same bytes, once orphaned"
    sha = orphan(data, now=clock.now())
    clock.advance(hours=2)
    kept, release, outcome = threading.Event(), threading.Event(), {}

    def upload_again():
        with db.connection_context(), write_transaction():
            User.update(photo=files.keep(data, "image/jpeg", now=clock.now())).where(
                User.id == user.id).execute()
            kept.set()
            release.wait(20)  # the row is written, not yet committed

    def drop():
        with db.connection_context():
            outcome["dropped"] = files.drop_orphans(now=clock.now())

    uploader, dropper = threading.Thread(target=upload_again), threading.Thread(target=drop)
    uploader.start()
    assert kept.wait(20)
    dropper.start()
    _until_the_job_waits_for_the_upload()
    release.set()
    uploader.join(30)
    dropper.join(30)

    assert (outcome, stored(), User.get_by_id(user.id).photo) == ({"dropped": 0}, [sha], sha)


def _until_the_job_waits_for_the_upload():
    """PostgreSQL: until the job's query waits on the upload's row lock. SQLite shows no such
    wait (the job's write transaction waits in its busy handler): give it a moment."""
    if is_sqlite():
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        waiting = db.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND wait_event_type = 'Lock'").fetchone()[0]
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the job never waited for the upload's lock")
