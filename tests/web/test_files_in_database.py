"""Files in the database (issue "Production on one box and on many", point 1): two app
instances with two instance folders on one database (SQLite file, and PostgreSQL when
configured). A photo, a case image or slides uploaded through one box are served by the other
with the same bytes and a strong ETag, 304 on If-None-Match, ranges for the PDF, and deleted
through either. Nothing is written to an instance folder."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from learnclub import clock, create_app
from learnclub.config import TestConfig
from learnclub.db import db
from learnclub.domain import files
from learnclub.domain.sharing import slides as talk_files
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.domain.sharing.talks import accept_talk, generate_slots
from learnclub.models import CaseFile, ShareSlot, StoredFile, Talk, User
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


@pytest.fixture
def boxes(database_url, tmp_path):
    """Two apps, each with its own instance folder, on the one database."""
    apps = []
    for name in ("box-a", "box-b"):
        (tmp_path / name).mkdir()
        apps.append(create_app(TestConfig(database_url, tmp_path / name,
                                          WTF_CSRF_ENABLED=False)))
    db.connect(reuse_if_open=True)
    yield apps
    assert not (tmp_path / "box-a" / "uploads").exists()
    assert not (tmp_path / "box-b" / "uploads").exists()
    if not db.is_closed():
        db.close()


def signed_in(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    return client


def image_bytes(fmt="PNG", size=(40, 30), color="orange"):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    result = (response.status_code, response.data, response.headers.get("ETag"),
              response.headers.get("Cache-Control", ""), response.headers.get("Content-Range"))
    response.close()
    return result


def post_file(client, url, field, data, name):
    return client.post(url, data={field: (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_photo_uploaded_on_one_box_is_served_and_removed_by_the_other(boxes):
    box_a, box_b = boxes
    cohort = make_cohort()
    owner, fellow = make_member(cohort), make_member(cohort)
    url = f"/u/{owner.id}/photo.jpg"

    post_file(signed_in(box_a, owner), "/profile/photo", "photo", image_bytes("JPEG"), "me.jpg")
    sha = User.get_by_id(owner.id).photo
    on_a, on_b = get(signed_in(box_a, fellow), url), get(signed_in(box_b, fellow), url)

    assert on_a[:3] == on_b[:3] == (200, bytes(StoredFile.get_by_id(sha).data), f'"{sha}"')
    assert ("private" in on_b[3], "public" in on_b[3]) == (True, False)
    assert get(signed_in(box_b, fellow), url, **{"If-None-Match": f'"{sha}"'})[:2] == (304, b"")
    signed_in(box_b, owner).post("/profile/photo/remove")
    assert get(signed_in(box_a, fellow), url)[0] == 404
    assert StoredFile.select().count() == 0


def test_case_image_uploaded_on_one_box_is_served_by_the_other(boxes):
    box_a, box_b = boxes
    cohort = make_cohort()
    case = make_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    reader, data = make_member(cohort), image_bytes()

    post_file(signed_in(box_a, cohort.created_by), f"/c/{cohort.slug}/cases/{case.id}/images",
              "image", data, "map.png")
    image = CaseFile.get(CaseFile.case == case)
    url = f"/c/{cohort.slug}/cases/{case.id}/files/{image.name}"
    on_a, on_b = get(signed_in(box_a, reader), url), get(signed_in(box_b, reader), url)

    assert on_a[:3] == on_b[:3] == (200, data, f'"{files.digest(data)}"')
    assert "private" in on_b[3]
    assert get(signed_in(box_a, reader), url, **{"If-None-Match": on_b[2]})[0] == 304
    assert get(signed_in(box_b, make_user()), url)[0] in (403, 404)


def published_talk(cohort):
    guest = make_member(cohort, role="guest")
    slot = generate_slots(cohort, now=clock.now())[0]
    talk = Talk.create(cohort=cohort, guest=guest, topic="分享", created_at=clock.now(),
                       updated_at=clock.now())
    accept_talk(talk, slot, actor=cohort.created_by, now=clock.now())
    ShareSlot.update(starts_at=clock.now() - timedelta(days=1)).where(
        ShareSlot.id == slot.id).execute()
    return publish_transcript(Talk.get_by_id(talk.id), "文字稿", actor=cohort.created_by,
                              now=clock.now())


def test_slides_served_by_the_other_box_with_ranges_and_replaced_through_either(boxes):
    box_a, box_b = boxes
    cohort = make_cohort(slug="lab")
    talk = published_talk(cohort)
    url, sha = "/c/lab/archive/1/slides.pdf", files.digest(PDF)

    post_file(signed_in(box_a, cohort.created_by), f"/c/lab/talks/{talk.id}/slides", "slides",
              PDF, "slides.pdf")
    anonymous = signed_in(box_b, None)

    assert get(anonymous, url)[:3] == (200, PDF, f'"{sha}"')
    assert "public" in get(anonymous, url)[3]  # a public cohort's session, to a visitor
    assert "private" in get(signed_in(box_b, cohort.created_by), url)[3]
    assert get(anonymous, url, Range="bytes=100-199")[::4] == (206, f"bytes 100-199/{len(PDF)}")
    assert get(anonymous, url, Range="bytes=100-199")[1] == PDF[100:200]
    assert get(anonymous, url, **{"If-None-Match": f'"{sha}"'})[0] == 304
    newer = PDF.replace(b"1.4", b"1.7")
    post_file(signed_in(box_b, cohort.created_by), f"/c/lab/talks/{talk.id}/slides", "slides",
              newer, "slides.pdf")
    assert get(signed_in(box_a, None), url)[:2] == (200, newer)
    assert [f.sha256 for f in StoredFile.select()] == [files.digest(newer)]
    assert talk_files.remove_slides(talk) is True
    assert (get(anonymous, url)[0], StoredFile.select().count()) == (404, 0)


def test_same_bytes_are_stored_once_and_kept_while_anyone_uses_them(boxes):
    box_a, box_b = boxes
    one, other, data = make_user(), make_user(), image_bytes("JPEG", color="teal")

    post_file(signed_in(box_a, one), "/profile/photo", "photo", data, "a.jpg")
    post_file(signed_in(box_b, other), "/profile/photo", "photo", data, "b.jpg")
    both = (User.get_by_id(one.id).photo, User.get_by_id(other.id).photo)
    signed_in(box_a, one).post("/profile/photo/remove")

    assert (both[0] == both[1], StoredFile.select().count()) == (True, 1)
    assert get(signed_in(box_a, other), f"/u/{other.id}/photo.jpg")[0] == 200
    signed_in(box_b, other).post("/profile/photo/remove")
    assert StoredFile.select().count() == 0


def test_orphans_left_by_a_deleted_case_are_dropped(boxes, clock):
    cohort = make_cohort()
    case = make_case(cohort)
    post_file(signed_in(boxes[0], cohort.created_by),
              f"/c/{cohort.slug}/cases/{case.id}/images", "image", image_bytes(), "x.png")
    case.delete_instance()
    clock.advance(hours=2)  # past files.ORPHAN_GRACE

    assert (StoredFile.select().count(), files.drop_orphans(now=clock.now()),
            StoredFile.select().count()) == (1, 1, 0)
