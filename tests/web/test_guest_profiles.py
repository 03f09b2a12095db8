"""Guest profiles: the optional photo (checked, re-encoded, served by the profile's rule and
on the public session page) and talks proposed by visitors, approved by the host as guests."""
import io
from pathlib import Path

import pytest
from PIL import Image

from learnclub import clock
from learnclub.domain.accounts import photos
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.domain.sharing.talks import accept_talk, generate_slots
from learnclub.models import Membership, MembershipEvent, ShareSlot, StoredFile, Talk, User
from tests.factories import make_cohort, make_member, make_user


def image_bytes(fmt, size=(1200, 800), mode="RGB", **save):
    out = io.BytesIO()
    Image.new(mode, size, "orange").save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhonePro"  # Model
    return image_bytes("JPEG", size=(2000, 1000), exif=exif)


def upload(client, data, name="me.jpg"):
    response = client.post("/profile/photo", data={"photo": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    return response.get_data(as_text=True)


def fetch(client, url):
    response = client.get(url)
    result = (response.status_code, response.mimetype, response.data)
    response.close()
    return result


def stored(app, user):
    """The bytes of the user's photo as kept in the database."""
    return StoredFile.get_by_id(User.get_by_id(user.id).photo).data


@pytest.mark.parametrize("data", [jpeg_with_exif(), image_bytes("PNG", mode="RGBA"),
                                  image_bytes("WEBP")], ids=["jpeg", "png", "webp"])
def test_photo_upload_reencodes_to_small_jpeg_without_exif(app, client, switch_to, data):
    user = switch_to(make_user())

    page = upload(client, data)

    assert "Photo saved." in page
    with Image.open(io.BytesIO(bytes(stored(app, user)))) as saved:
        shape = (saved.format, max(saved.size) <= photos.MAX_SIDE, dict(saved.getexif()))
    assert shape == ("JPEG", True, {})
    assert not (Path(app.instance_path) / "uploads").exists()  # nothing on this box's disk
    status, mimetype, body = fetch(client, f"/u/{user.id}/photo.jpg")
    assert (status, mimetype, body) == (200, "image/jpeg", bytes(stored(app, user)))


@pytest.mark.parametrize(("data", "message"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "Upload a JPEG, PNG or WebP photo."),
    ("我的照片".encode(), "Upload a JPEG, PNG or WebP photo."),
    (image_bytes("GIF"), "Upload a JPEG, PNG or WebP photo."),
    (b"\xff\xd8\xff" + b"\x00" * 100, "This photo could not be read; try another file."),
    (image_bytes("PNG", size=(10, 10)) + b"0" * photos.MAX_PHOTO_BYTES,
     "The photo is larger than 5 MB; make it smaller."),
    (image_bytes("PNG", size=(12_000, 9_000), mode="1"),
     "The photo has too many pixels; use one of at most 50 megapixels."),
], ids=["svg", "text", "gif", "broken-jpeg", "oversize", "bomb"])
def test_photo_upload_refused_with_message_and_nothing_stored(app, client, switch_to, data,
                                                              message):
    user = switch_to(make_user())

    page = upload(client, data)

    assert message in page
    assert User.get_by_id(user.id).photo == ""
    assert StoredFile.select().count() == 0


def test_photo_served_by_profile_rule_and_removed(app, client, switch_to):
    cohort = make_cohort()
    owner, fellow, stranger = make_member(cohort), make_member(cohort), make_user()
    switch_to(owner)
    upload(client, image_bytes("JPEG"))
    first = User.get_by_id(owner.id).photo
    upload(client, image_bytes("PNG", size=(600, 500)))  # a new photo replaces the old one
    url = f"/u/{owner.id}/photo.jpg"

    assert [f.sha256 for f in StoredFile.select()] == [User.get_by_id(owner.id).photo]
    assert first != User.get_by_id(owner.id).photo
    switch_to(fellow)
    assert fetch(client, url)[0] == 200
    assert url in client.get(f"/u/{owner.id}").get_data(as_text=True)
    switch_to(stranger)
    assert fetch(client, url)[0] == 404
    client.post("/logout")
    assert client.get(url).status_code == 302  # to the sign-in page
    switch_to(owner)
    assert "Photo removed." in client.post("/profile/photo/remove",
                                           follow_redirects=True).get_data(as_text=True)
    assert (User.get_by_id(owner.id).photo, StoredFile.select().count(),
            fetch(client, url)[0]) == ("", 0, 404)


def test_guest_photo_on_public_session_page(app, client, switch_to):
    cohort = make_cohort(slug="lab")
    guest = make_member(cohort, role="guest")
    switch_to(guest)
    upload(client, image_bytes("JPEG"))
    slot = generate_slots(cohort, now=clock.now())[0]
    talk = Talk.create(cohort=cohort, guest=guest, topic="分享", created_at=clock.now(),
                       updated_at=clock.now())
    accept_talk(talk, slot, actor=cohort.created_by, now=clock.now())
    ShareSlot.update(starts_at=clock.now().replace(year=2020)).where(
        ShareSlot.id == slot.id).execute()
    publish_transcript(Talk.get_by_id(talk.id), "文字稿", actor=cohort.created_by,
                       now=clock.now())
    client.post("/logout")

    page = client.get("/c/lab/archive/1").get_data(as_text=True)

    assert "/c/lab/archive/1/photo.jpg" in page
    assert fetch(client, "/c/lab/archive/1/photo.jpg")[:2] == (200, "image/jpeg")
    assert fetch(client, f"/u/{guest.id}/photo.jpg")[0] == 302


def propose_data(slot, topic="社群冷启动"):
    return {"topic": topic, "abstract": "讲讲第一周", "title": "某公司 · 运营",
            "bio": "十年社群", "week1": str(slot.id)}


def test_public_proposals_off_by_default_and_private_cohort_404(app, client, switch_to):
    off = make_cohort(slug="off")
    private = make_cohort(slug="private", is_public=False)
    private.guest_proposals_public = True  # set behind validation's back: still closed
    private.save()
    switch_to(make_user())

    assert client.get("/c/off/talks/propose").status_code == 404
    assert client.get("/c/private/talks/propose").status_code == 404
    assert client.get("/c/private/talks/proposed").status_code == 404
    assert Talk.select().count() == 0
    assert off.guest_proposals_public is False


def test_setting_needs_a_public_cohort(app, client, switch_to):
    cohort = make_cohort(slug="lab", is_public=False)
    switch_to(cohort.created_by)
    form = {name: getattr(cohort, name) for name in ("name", "description_md", "timezone",
            "capacity", "admission", "cadence_min_days", "cadence_target_days",
            "cadence_max_days", "homework_due_hours", "homework_grace_hours", "strike_limit",
            "excused_per_learner", "reminder_hours", "sharing_weekday", "sharing_time",
            "sharing_minutes", "sharing_weeks_ahead", "peer_visibility",
            "homework_min_length", "points_on_time", "points_late", "points_featured",
            "points_comment", "points_comment_cap", "points_guest_share")}

    page = client.post("/c/lab/settings", data={**form, "guest_proposals_public": "y"})

    assert "Visitors can propose talks only to a public cohort." in page.get_data(as_text=True)
    assert type(cohort).get_by_id(cohort.id).guest_proposals_public is False


def test_visitor_proposes_and_host_approves_as_guest(app, client, switch_to):
    cohort = make_cohort(slug="lab", guest_proposals_public=True)
    slot = generate_slots(cohort, now=clock.now())[0]
    visitor = switch_to(make_user(display_name="访客"))

    response = client.post("/c/lab/talks/propose", data=propose_data(slot))

    assert response.headers["Location"].endswith("/c/lab/talks/proposed")
    talk = Talk.get(Talk.guest == visitor.id)
    assert (talk.status, talk.cohort_id) == ("submitted", cohort.id)
    assert "社群冷启动" in client.get("/c/lab/talks/proposed").get_data(as_text=True)
    again = client.post("/c/lab/talks/propose", data=propose_data(slot, "第二个"))
    assert "You already have a proposal waiting for a decision." in again.get_data(as_text=True)
    assert client.get("/c/lab/talks/mine").status_code == 403  # not a member yet

    switch_to(cohort.created_by)
    review = client.get("/c/lab/talks").get_data(as_text=True)
    assert f"/c/lab/talks/{talk.id}/approve-guest" in review
    assert f"/c/lab/talks/{talk.id}/accept" not in review
    client.post(f"/c/lab/talks/{talk.id}/approve-guest")

    membership = Membership.get((Membership.cohort == cohort) & (Membership.user == visitor.id))
    assert (membership.role, membership.status) == ("guest", "active")
    event = MembershipEvent.get(MembershipEvent.user == visitor.id)
    assert (event.action, event.actor_id) == ("admitted_as_guest", cohort.created_by_id)
    assert f"/c/lab/talks/{talk.id}/accept" in client.get("/c/lab/talks").get_data(as_text=True)
    again = client.post(f"/c/lab/talks/{talk.id}/approve-guest", follow_redirects=True)
    assert "This person is already in the cohort." in again.get_data(as_text=True)
    switch_to(visitor)
    assert client.get("/c/lab/talks/mine").status_code == 200


def test_member_is_sent_to_the_members_form(app, client, switch_to):
    cohort = make_cohort(slug="lab", guest_proposals_public=True)
    switch_to(make_member(cohort))

    response = client.get("/c/lab/talks/propose")

    assert response.headers["Location"].endswith("/c/lab/talks/new")
