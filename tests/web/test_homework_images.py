"""Homework with pictures through the web (docs/rules.md "Homework pictures"): the homework
form is multipart, so without JavaScript pictures go with the text; "Upload pictures" keeps
them pending with the text as typed; the pictures show as a gallery on the cards, on "My
homework" and as links in the export; each picture is served by the one rule for who reads
its homework."""
import io
import re
from datetime import timedelta

from PIL import Image

from learnclub.domain.homework import images
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import StoredFile, Submission, SubmissionImage
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START
from tests.web.test_corpora import naughty_strings

NOW = START


def picture(fmt="PNG", colour="orange", size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _open_case(cohort):
    return make_case(cohort, publish_at=NOW - timedelta(hours=1))


def post_homework(client, cohort, case, *, text="我的笔记见图", action="save", pictures=(),
                  names=None):
    names = names or [f"photo{i}.png" for i in range(len(pictures))]
    data = {"body_md": text, "action": action,
            "images": [(io.BytesIO(p), name) for p, name in zip(pictures, names, strict=True)]}
    return client.post(f"/c/{cohort.slug}/cases/{case.id}/homework", data=data,
                       content_type="multipart/form-data")


def picture_urls(html, slug):
    return re.findall(rf'<img src="(/c/{slug}/homework/pictures/\d+\.jpg)"', html)


def fetch(client, url):
    response = client.get(url)
    result = (response.status_code, response.mimetype, response.cache_control.private)
    response.close()
    return result


def test_pictures_sent_with_the_text_are_attached_and_shown_as_a_gallery(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))

    saved = post_homework(client, cohort, case, pictures=[picture(), picture("JPEG", "blue")])
    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    submission = Submission.get()
    assert saved.status_code == 302
    assert [im.submission_id for im in SubmissionImage.select()] == [submission.id] * 2
    assert submission.length == 6  # the text only
    card = page[page.index(f'id="homework-{submission.id}"'):]
    urls = picture_urls(card, cohort.slug)
    assert len(urls) == 2
    assert [fetch(client, url) for url in urls] == [(200, "image/jpeg", True)] * 2


def test_upload_keeps_pictures_pending_with_the_text_as_typed(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))

    uploaded = post_homework(client, cohort, case, text="还没写完", action="upload",
                             pictures=[picture(), picture(colour="red")])
    again = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    html = uploaded.get_data(as_text=True)
    assert uploaded.status_code == 200
    assert Submission.select().count() == 0
    assert "还没写完</textarea>" in html
    assert html.count("not submitted yet") == 2
    assert again.count("not submitted yet") == 2  # still there on the next visit

    post_homework(client, cohort, case, text="写完了，见图")

    assert [im.submission_id for im in SubmissionImage.select()] == [Submission.get().id] * 2


def test_refused_text_keeps_the_pictures_pending(client, switch_to):
    cohort = make_cohort(homework_min_length=50)
    case = _open_case(cohort)
    switch_to(make_member(cohort))

    refused = post_homework(client, cohort, case, text="太短", pictures=[picture()])

    assert refused.status_code == 422
    assert "Write at least 50 characters or words" in refused.get_data(as_text=True)
    assert [im.submission_id for im in SubmissionImage.select()] == [None]


def test_the_tenth_picture_is_refused_with_a_message_and_nothing_changes(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))
    post_homework(client, cohort, case, action="upload",
                  pictures=[picture(colour=(i, 9, 9)) for i in range(9)])

    refused = post_homework(client, cohort, case, pictures=[picture(colour="white")])

    assert refused.status_code == 422
    assert ('<p class="error" id="images-error">A homework holds at most 9 pictures: you have '
            '9, and chose 1 more. Remove some first.</p>') in refused.get_data(as_text=True)
    assert (Submission.select().count(), SubmissionImage.select().count()) == (0, 9)


def test_not_a_picture_is_refused_without_a_500(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))

    refused = post_homework(client, cohort, case, pictures=[b"<script>"])

    assert refused.status_code == 422
    assert "Upload a JPEG, PNG or WebP photo." in refused.get_data(as_text=True)
    assert (Submission.select().count(), StoredFile.select().count()) == (0, 0)


def test_removing_a_picture(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    learner = switch_to(make_member(cohort))
    post_homework(client, cohort, case, pictures=[picture(), picture(colour="red")])
    first, second = images.draft_images(case, learner)

    removed = post_homework(client, cohort, case, text="改一下", action=f"remove:{first.id}")

    assert removed.status_code == 200
    assert "Picture removed." in removed.get_data(as_text=True)
    assert [im.id for im in SubmissionImage.select()] == [second.id]
    assert Submission.get().body_md == "我的笔记见图"  # removing saves no text
    assert fetch(client, f"/c/{cohort.slug}/homework/pictures/{first.id}.jpg")[0] == 404


def test_a_peers_picture_cannot_be_removed(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))
    post_homework(client, cohort, case, pictures=[picture()])
    [theirs] = SubmissionImage.select()
    switch_to(make_member(cohort))

    refused = post_homework(client, cohort, case, action=f"remove:{theirs.id}")

    assert refused.status_code == 422
    assert "This picture is not there any more." in refused.get_data(as_text=True)
    assert SubmissionImage.select().count() == 1


def test_pictures_follow_the_rule_for_who_reads_the_homework(client, switch_to):
    cohort = make_cohort(peer_visibility="after_submission")
    case = _open_case(cohort)
    author = make_member(cohort)
    reader = make_member(cohort)
    [submitted] = images.add_images(case, author, [picture()], now=NOW)
    submit_homework(case, author, "我的作业", now=NOW)
    [pending] = images.add_images(case, author, [picture(colour="red")], now=NOW)
    url = f"/c/{cohort.slug}/homework/pictures/{{}}.jpg"

    switch_to(reader)
    before = fetch(client, url.format(submitted.id))[0]
    submit_homework(case, reader, "我也交了", now=NOW)
    after = fetch(client, url.format(submitted.id))[0]
    peer_pending = fetch(client, url.format(pending.id))[0]
    switch_to(make_user())
    outsider = fetch(client, url.format(submitted.id))[0]
    switch_to(author)
    own = [fetch(client, url.format(i))[0] for i in (submitted.id, pending.id)]
    client.post("/logout")
    anonymous = client.get(url.format(submitted.id)).status_code

    assert (before, after, peer_pending, outsider, own) == (404, 200, 404, 404, [200, 200])
    assert anonymous == 302  # to sign in


def test_picture_of_another_cohort_is_not_found(client, switch_to):
    cohort, other = make_cohort(), make_cohort()
    case = _open_case(cohort)
    author = make_member(cohort)
    [made] = images.add_images(case, author, [picture()], now=NOW)
    submit_homework(case, author, "作业", now=NOW)
    make_member(other, author)
    switch_to(author)

    assert fetch(client, f"/c/{other.slug}/homework/pictures/{made.id}.jpg")[0] == 404
    assert fetch(client, f"/c/{cohort.slug}/homework/pictures/99999999999.jpg")[0] == 404


def test_case_page_queries_do_not_grow_with_learners_or_pictures(client, switch_to):
    def with_peers(count, per_learner):
        cohort = make_cohort(peer_visibility="always")
        case = _open_case(cohort)
        reader = make_member(cohort)
        for i in range(count):
            user = make_member(cohort)
            images.add_images(case, user, [picture(colour=(i, j, 0))
                                           for j in range(per_learner)], now=NOW)
            submit_homework(case, user, "同学的作业", now=NOW)
        images.add_images(case, reader, [picture(colour="white")], now=NOW)  # pending
        switch_to(reader)
        with count_queries() as statements:
            page = client.get(f"/c/{cohort.slug}/cases/{case.id}")
        assert len(picture_urls(page.get_data(as_text=True), cohort.slug)) == \
            count * per_learner + 1
        return len(statements)

    assert with_peers(6, 3) == with_peers(2, 1)


def test_my_homework_and_the_export_show_the_pictures(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))
    post_homework(client, cohort, case, pictures=[picture(), picture(colour="red")])
    ids = [im.id for im in SubmissionImage.select().order_by(SubmissionImage.position)]

    mine = client.get(f"/c/{cohort.slug}/homework/mine").get_data(as_text=True)
    export = client.get(f"/c/{cohort.slug}/homework/export.md").get_data(as_text=True)

    assert picture_urls(mine, cohort.slug) == [
        f"/c/{cohort.slug}/homework/pictures/{i}.jpg" for i in ids]
    links = re.findall(r"- \[Picture (\d)\]\((\S+)\)", export)
    assert links == [(str(n), f"http://localhost/c/{cohort.slug}/homework/pictures/{i}.jpg")
                     for n, i in enumerate(ids, start=1)]


def test_any_file_name_is_taken_and_never_shown(client, switch_to):
    cohort = make_cohort()
    case = _open_case(cohort)
    switch_to(make_member(cohort))
    names = [name for name in naughty_strings() if name.strip()]

    statuses = set()
    for start in range(0, len(names), images.MAX_IMAGES):
        batch = names[start:start + images.MAX_IMAGES]
        response = post_homework(client, cohort, case, action="upload",
                                 pictures=[picture()] * len(batch), names=batch)
        statuses.add(response.status_code)
        SubmissionImage.delete().execute()

    assert statuses == {200}
