"""Pictures in homework (docs/rules.md "Homework pictures"): at most nine, re-encoded by the
profile photos' rules, pending until the homework is submitted, removable while it may be
changed, dropped when never submitted."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from learnclub.domain import files
from learnclub.domain.errors import Conflict, DomainError, NotFound
from learnclub.domain.homework import images
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import StoredFile, Submission, SubmissionImage
from tests.factories import T0, make_case, make_cohort, make_member

OPEN = T0 + timedelta(hours=1)
AFTER_GRACE = T0 + timedelta(hours=72 + 12)


def picture(fmt="PNG", size=(40, 30), colour="orange", mode="RGB", **save):
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS: where the photo was taken
    return picture("JPEG", size=(2400, 1200), exif=exif)


@pytest.fixture
def setting(app):
    cohort = make_cohort()
    case = make_case(cohort)
    return cohort, case, make_member(cohort)


def test_pictures_are_pending_until_the_homework_is_submitted(setting):
    _cohort, case, learner = setting

    made = images.add_images(case, learner, [picture(), picture("JPEG", colour="blue")],
                             now=OPEN)
    pending = [(im.submission_id, im.position) for im in images.draft_images(case, learner)]
    submission, _ = submit_homework(case, learner, "我的笔记见图", now=OPEN)

    assert pending == [(None, 0), (None, 1)]
    assert [im.id for im in images.galleries([submission.id])[submission.id]] == \
        [im.id for im in made]
    assert submission.length == 6  # the text only


def test_the_tenth_picture_is_refused_with_a_clear_message(setting):
    _cohort, case, learner = setting
    images.add_images(case, learner, [picture(colour=(i, 0, 0)) for i in range(9)], now=OPEN)

    with pytest.raises(DomainError) as refused:
        images.add_images(case, learner, [picture(colour="white")], now=OPEN)

    assert refused.value.message == ("A homework holds at most 9 pictures: you have 9, and "
                                     "chose 1 more. Remove some first.")
    assert refused.value.field == "images"
    assert SubmissionImage.select().count() == 9


def test_one_bad_file_refuses_the_lot_and_nothing_is_kept(setting):
    _cohort, case, learner = setting

    with pytest.raises(DomainError) as refused:
        images.add_images(case, learner, [picture(), "我的笔记".encode()], now=OPEN)

    assert refused.value.message == "Upload a JPEG, PNG or WebP photo."
    assert (SubmissionImage.select().count(), StoredFile.select().count()) == (0, 0)


@pytest.mark.parametrize(("data", "message"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "Upload a JPEG, PNG or WebP photo."),
    (picture("GIF"), "Upload a JPEG, PNG or WebP photo."),
    (picture("PNG", size=(10, 10)) + b"0" * images.MAX_BYTES,
     "The photo is larger than 5 MB; make it smaller."),
    (picture("PNG", size=(12_000, 9_000), mode="1"),
     "The photo has too many pixels; use one of at most 50 megapixels."),
], ids=["svg", "gif", "oversize", "bomb"])
def test_not_a_picture_oversized_or_a_bomb_is_refused(setting, data, message):
    _cohort, case, learner = setting

    with pytest.raises(DomainError) as refused:
        images.add_images(case, learner, [data], now=OPEN)

    assert (refused.value.message, refused.value.field) == (message, "images")
    assert StoredFile.select().count() == 0


def test_stored_bytes_are_a_smaller_jpeg_without_exif(setting):
    _cohort, case, learner = setting

    [made] = images.add_images(case, learner, [jpeg_with_exif()], now=OPEN)

    data = files.read(made.sha256).data
    with Image.open(io.BytesIO(data)) as saved:
        shape = (saved.format, saved.size, dict(saved.getexif()), "exif" in saved.info)
    assert shape == ("JPEG", (images.MAX_SIDE, images.MAX_SIDE // 2), {}, False)
    assert (made.width, made.height) == (images.MAX_SIDE, images.MAX_SIDE // 2)
    assert b"PhoneMaker" not in data


def test_removing_a_picture_lets_its_bytes_go(setting):
    _cohort, case, learner = setting
    first, second = images.add_images(case, learner, [picture(), picture(colour="red")],
                                      now=OPEN)

    images.remove_image(case, learner, first.id, now=OPEN)

    assert [im.id for im in images.draft_images(case, learner)] == [second.id]
    assert [f.sha256 for f in StoredFile.select()] == [second.sha256]


def test_nobody_removes_another_learners_picture(setting):
    cohort, case, learner = setting
    [made] = images.add_images(case, learner, [picture()], now=OPEN)

    with pytest.raises(NotFound):
        images.remove_image(case, make_member(cohort), made.id, now=OPEN)

    assert SubmissionImage.select().count() == 1


def test_no_picture_added_or_removed_after_grace(setting):
    _cohort, case, learner = setting
    [made] = images.add_images(case, learner, [picture()], now=OPEN)
    submit_homework(case, learner, "写好了", now=OPEN)

    with pytest.raises(Conflict):
        images.add_images(case, learner, [picture(colour="red")], now=AFTER_GRACE)
    with pytest.raises(Conflict):
        images.remove_image(case, learner, made.id, now=AFTER_GRACE)

    assert SubmissionImage.select().count() == 1


def test_pending_pictures_never_submitted_are_dropped_with_their_bytes(setting):
    _cohort, case, learner = setting
    [kept] = images.add_images(case, learner, [picture()], now=OPEN)
    submission, _ = submit_homework(case, learner, "写好了", now=OPEN)
    [stale] = images.add_images(case, learner, [picture(colour="red")], now=OPEN)
    later = OPEN + images.PENDING_KEPT + timedelta(minutes=1)

    dropped = images.drop_stale_pending(now=later)
    files.drop_orphans(now=later)

    assert dropped == 1
    assert [(im.id, im.submission_id) for im in SubmissionImage.select()] == \
        [(kept.id, submission.id)]
    assert [f.sha256 for f in StoredFile.select()] == [kept.sha256]
    assert stale.sha256 != kept.sha256


def test_deleting_the_submission_leaves_bytes_for_the_orphan_job(setting):
    _cohort, case, learner = setting
    images.add_images(case, learner, [picture()], now=OPEN)
    submission, _ = submit_homework(case, learner, "写好了", now=OPEN)

    Submission.delete().where(Submission.id == submission.id).execute()

    assert files.drop_orphans(now=OPEN + timedelta(hours=2)) == 1
