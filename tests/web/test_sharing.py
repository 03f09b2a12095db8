"""Weekly guest sharing through the pages: proposing, the host's review and its mails, the
guest's own talks, the numbered archive (第N期) with transcripts, revisions and slides, and
who may read it. Pages ask the real clock, so weeks are generated from `clock.now()`; a
session "has taken place" once its slot's start is moved into the past in the database."""
import io
import re
from datetime import timedelta

import pytest
from markupsafe import escape

from learnclub import clock, jobs
from learnclub.domain.sharing import slides as talk_files
from learnclub.domain.sharing.talks import generate_slots
from learnclub.models import (
    OutboxMessage,
    PointEvent,
    ShareSlot,
    Talk,
    TalkPreference,
    TalkRevision,
)
from tests import corpora
from tests.factories import make_cohort, make_member, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lab(app):
    cohort = make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")
    generate_slots(cohort, now=clock.now())
    return cohort


def weeks(cohort):
    return list(ShareSlot.select().where(ShareSlot.cohort == cohort).order_by(ShareSlot.starts_at))


def guest_in(cohort, locale="en", **values):
    return make_member(cohort, make_user(locale=locale, **values), role="guest")


def propose(client, cohort, *slots, topic="从一个群到一张网", abstract="讲讲**社群**的第一周"):
    data = {"topic": topic, "abstract": abstract, "title": "某公司 · 社群负责人", "bio": "十年社群"}
    for name, slot in zip(("week1", "week2", "week3"), slots, strict=False):
        data[name] = str(slot.id)
    return client.post(f"/c/{cohort.slug}/talks/new", data=data)


def keys():
    return sorted(m.key for m in OutboxMessage.select())


def mail(key):
    return OutboxMessage.get(OutboxMessage.key == key)


def held_in_past(talk):
    """The session took place: its week starts an hour ago (moved in the database)."""
    ShareSlot.update(starts_at=clock.now() - timedelta(hours=1)).where(
        ShareSlot.id == Talk.get_by_id(talk.id).slot_id).execute()


def html(response):
    return response.get_data(as_text=True)


def test_propose_refused_shows_errors_and_stores_nothing(lab, client, switch_to):
    switch_to(guest_in(lab))
    response = propose(client, lab, topic="  ")
    assert response.status_code == 200
    assert "Topic is required." in html(response)
    response = propose(client, lab, weeks(lab)[0], weeks(lab)[0])
    assert "Choose each week only once." in html(response)
    response = propose(client, lab)
    assert "Choose one to three weeks, in order of preference." in html(response)
    assert Talk.select().count() == 0
    assert keys() == []


def test_propose_stores_talk_and_sends_receipt(lab, client, switch_to):
    guest = switch_to(guest_in(lab))
    first, second = weeks(lab)[2], weeks(lab)[0]
    response = propose(client, lab, first, second)
    assert response.status_code == 302
    talk = Talk.get()
    assert (talk.guest_id, talk.status, talk.topic) == (guest.id, "submitted", "从一个群到一张网")
    ranked = talk.preferences.order_by(TalkPreference.rank)
    assert [p.slot_id for p in ranked] == [first.id, second.id]
    assert keys() == [f"talk:{talk.id}:received"]
    page = html(client.get("/c/lab/talks/mine"))
    assert "从一个群到一张网" in page
    assert "waiting for a decision" in page


def test_talk_flow_through_pages_submitted_accepted_confirmed_held(lab, client, switch_to):
    host, guest = lab.created_by, guest_in(lab)
    switch_to(guest)
    propose(client, lab, weeks(lab)[0], weeks(lab)[1])
    talk = Talk.get()
    switch_to(host)
    review = html(client.get("/c/lab/talks"))
    assert review.count(f'id="proposal-{weeks(lab)[0].id}-{talk.id}"') == 1
    assert review.count(f'id="proposal-{weeks(lab)[1].id}-{talk.id}"') == 1
    client.post(f"/c/lab/talks/{talk.id}/accept", data={"slot_id": weeks(lab)[1].id})
    assert (Talk.get_by_id(talk.id).status, Talk.get_by_id(talk.id).slot_id) == (
        "accepted", weeks(lab)[1].id)
    assert f'id="notify-{talk.id}"' in html(client.get("/c/lab/talks"))
    client.post(f"/c/lab/talks/{talk.id}/notify")
    assert f'id="notify-{talk.id}"' not in html(client.get("/c/lab/talks"))
    switch_to(guest)
    client.post(f"/c/lab/talks/{talk.id}/confirm")
    assert Talk.get_by_id(talk.id).status == "confirmed"
    held_in_past(talk)
    switch_to(host)
    response = client.post(f"/c/lab/talks/{talk.id}/transcript",
                           data={"transcript_md": "## 开场\n大家好", "recording_url": ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/c/lab/archive/1")
    assert (Talk.get_by_id(talk.id).status, Talk.get_by_id(talk.id).number) == ("held", 1)
    session = html(client.get("/c/lab/archive/1"))
    assert "第1期" in session
    assert '<h2 id="开场">开场</h2>' in session


def test_second_acceptance_for_same_week_refused_with_clear_message(lab, client, switch_to):
    week = weeks(lab)[0]
    for _ in range(2):
        switch_to(guest_in(lab))
        propose(client, lab, week)
    first, second = Talk.select().order_by(Talk.id)
    switch_to(lab.created_by)
    client.post(f"/c/lab/talks/{first.id}/accept", data={"slot_id": week.id})
    response = client.post(f"/c/lab/talks/{second.id}/accept", data={"slot_id": week.id},
                           follow_redirects=True)
    assert "This week was just taken: another guest has it." in html(response)
    assert Talk.get_by_id(second.id).status == "submitted"


def test_notify_queues_each_mail_once_and_tells_other_proposers(lab, client, switch_to):
    week, other_week = weeks(lab)[0], weeks(lab)[1]
    switch_to(guest_in(lab))
    propose(client, lab, week)
    switch_to(guest_in(lab))
    propose(client, lab, week, other_week)
    switch_to(guest_in(lab))
    propose(client, lab, other_week)
    winner, loser, declined = Talk.select().order_by(Talk.id)
    switch_to(lab.created_by)
    client.post(f"/c/lab/talks/{winner.id}/accept", data={"slot_id": week.id})
    client.post(f"/c/lab/talks/{declined.id}/decline")
    received = [f"talk:{t.id}:received" for t in (winner, loser, declined)]
    assert keys() == sorted(received)  # deciding tells nobody
    for _ in range(2):
        client.post(f"/c/lab/talks/{winner.id}/notify")
        client.post(f"/c/lab/talks/{declined.id}/notify")
    assert keys() == sorted([*received, f"talk:{winner.id}:accepted",
                             f"talk:{loser.id}:week-taken:{week.id}",
                             f"talk:{declined.id}:declined"])
    accepted, receipt = mail(f"talk:{winner.id}:accepted"), mail(f"talk:{winner.id}:received")
    assert accepted.subject.startswith("Please confirm")
    assert "press “Confirm”" in accepted.body
    assert receipt.subject.startswith("Received")
    assert "Nothing is decided yet" in receipt.body
    assert accepted.body != receipt.body
    assert "welcome to propose again" in mail(f"talk:{declined.id}:declined").body


def publish(client, talk, text, recording=""):
    return client.post(f"/c/lab/talks/{talk.id}/transcript",
                       data={"transcript_md": text, "recording_url": recording})


def accepted_talk(client, switch_to, cohort, week, topic):
    switch_to(guest_in(cohort, display_name=f"嘉宾{week.id}", company_title="某公司 · CEO"))
    propose(client, cohort, week, topic=topic)
    talk = Talk.select().order_by(Talk.id.desc()).get()
    switch_to(cohort.created_by)
    client.post(f"/c/{cohort.slug}/talks/{talk.id}/accept", data={"slot_id": week.id})
    return talk


def test_archive_numbers_sessions_and_cancelled_gets_none(lab, client, switch_to):
    one, two, three = (accepted_talk(client, switch_to, lab, w, t) for w, t in
                       zip(weeks(lab)[:3], ("第一次分享", "第二次分享", "取消的分享"), strict=True))
    client.post(f"/c/lab/talks/{three.id}/cancel")
    for talk in (one, two):
        held_in_past(talk)
        publish(client, talk, f"{talk.topic}的文字稿")
    held_in_past(three)
    assert publish(client, three, "不该出现").status_code == 200
    page = html(client.get("/c/lab/archive"))
    assert re.findall(r"第(\d+)期", page) == ["2", "1"]
    assert "取消的分享" not in page
    assert "某公司 · 社群负责人" in page
    assert Talk.get_by_id(three.id).number is None
    board = client.get("/c/lab/leaderboard")
    assert board.status_code == 200
    assert PointEvent.select().where(PointEvent.kind == "guest_share").count() == 2


def test_transcript_edits_keep_revisions(lab, client, switch_to):
    talk = accepted_talk(client, switch_to, lab, weeks(lab)[0], "修订")
    held_in_past(talk)
    publish(client, talk, "第一版")
    publish(client, talk, "第二版", recording="https://example.org/rec")
    publish(client, talk, "第二版", recording="https://example.org/rec")
    assert [r.transcript_md for r in TalkRevision.select()] == ["第一版"]
    assert Talk.get_by_id(talk.id).number == 1
    page = html(client.get(f"/c/lab/talks/{talk.id}/transcript"))
    assert "第一版" in page
    assert 'href="https://example.org/rec"' in html(client.get("/c/lab/archive/1"))


def test_slides_upload_checks_type_and_size_and_serves_pdf(lab, client, switch_to, app):
    talk = accepted_talk(client, switch_to, lab, weeks(lab)[0], "幻灯片")
    held_in_past(talk)
    publish(client, talk, "文字稿")
    url = f"/c/lab/talks/{talk.id}/slides"

    def upload(data, name="slides.pdf"):
        return client.post(url, data={"slides": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", follow_redirects=True)

    assert "Upload the slides as a PDF file." in html(upload(b"\x89PNG\r\n\x1a\n", "x.pdf"))
    big = PDF + b"0" * talk_files.MAX_SLIDES_BYTES
    assert "larger than 10 MB" in html(upload(big))
    assert client.get("/c/lab/archive/1/slides.pdf").status_code == 404
    assert "Slides uploaded." in html(upload(PDF))
    served = client.get("/c/lab/archive/1/slides.pdf")
    status, mimetype, data = served.status_code, served.mimetype, served.data
    served.close()
    assert (status, mimetype, data) == (200, "application/pdf", PDF)


def test_archive_public_for_public_cohort_closed_for_private(lab, client, switch_to, app):
    talk = accepted_talk(client, switch_to, lab, weeks(lab)[0], "公开的分享")
    held_in_past(talk)
    publish(client, talk, "文字稿")
    client.post("/logout")
    assert "公开的分享" in html(client.get("/c/lab/archive"))
    assert client.get("/c/lab/archive/1").status_code == 200
    # the anonymous reader cannot open the guest's profile: the name links to the filter
    assert f"/c/lab/archive?guest={talk.guest_id}" in html(client.get("/c/lab/archive/1"))
    lab.is_public = False
    lab.save()
    assert client.get("/c/lab/archive").status_code in (403, 404)
    assert client.get("/c/lab/archive/1").status_code in (403, 404)
    assert client.get("/c/lab/archive/1/slides.pdf").status_code in (403, 404)
    switch_to(make_user())
    assert client.get("/c/lab/archive").status_code == 403
    switch_to(make_member(lab))
    page = html(client.get("/c/lab/archive"))
    assert "公开的分享" in page
    assert f'href="/u/{talk.guest_id}"' in page
    sessions = html(client.get(f"/u/{talk.guest_id}/talks"))
    assert re.findall(r"第\d+期", sessions) == ["第1期"]
    assert "公开的分享" in sessions


def test_guest_edits_own_talk_until_held(lab, client, switch_to):
    talk = accepted_talk(client, switch_to, lab, weeks(lab)[0], "旧题目")
    guest = Talk.get_by_id(talk.id).guest
    switch_to(guest)
    data = {"topic": "新题目", "abstract": "新摘要", "title": "新头衔", "bio": ""}
    assert client.post(f"/c/lab/talks/{talk.id}/edit", data=data).status_code == 302
    assert (Talk.get_by_id(talk.id).topic, Talk.get_by_id(talk.id).title_snapshot) == (
        "新题目", "新头衔")
    other = make_member(lab, role="guest")
    switch_to(other)
    assert client.get(f"/c/lab/talks/{talk.id}/edit").status_code == 404
    held_in_past(talk)
    switch_to(lab.created_by)
    publish(client, talk, "文字稿")
    switch_to(guest)
    page = html(client.get("/c/lab/talks/mine"))
    assert f'/c/lab/talks/{talk.id}/edit"' not in page
    response = client.post(f"/c/lab/talks/{talk.id}/edit", data=data | {"topic": "太迟"})
    assert "This talk can no longer be changed." in html(response)
    assert Talk.get_by_id(talk.id).topic == "新题目"


def test_guest_withdraws_and_week_opens_again(lab, client, switch_to):
    talk = accepted_talk(client, switch_to, lab, weeks(lab)[0], "撤回")
    switch_to(Talk.get_by_id(talk.id).guest)
    client.post(f"/c/lab/talks/{talk.id}/withdraw")
    assert Talk.get_by_id(talk.id).status == "withdrawn"
    page = html(client.get("/c/lab/talks/new"))
    assert f'value="{weeks(lab)[0].id}"' in page


def chunks(strings, limit):
    """Groups of strings joined by " ¦ ", each at most `limit` characters."""
    group = []
    for text in strings:
        if group and len(" ¦ ".join([*group, text])) > limit:
            yield " ¦ ".join(group)
            group = []
        if len(text) <= limit:
            group.append(text)
    if group:
        yield " ¦ ".join(group)


def test_naughty_strings_stored_exactly_and_shown_escaped(lab, client, switch_to):
    strings = [s for s in corpora.naughty_strings() if "\r" not in s]
    guest = switch_to(guest_in(lab))
    failures = []
    topics = list(chunks(strings, 300))
    for topic in topics:
        response = propose(client, lab, weeks(lab)[0], topic=topic, abstract=topic)
        talk = Talk.select().order_by(Talk.id.desc()).get()
        if response.status_code != 302 or (talk.topic, talk.abstract_md) != (topic, topic):
            failures.append(("stored", topic, response.status_code))
    page = html(client.get("/c/lab/talks/mine"))
    failures += [("shown", t) for t in topics if str(escape(t)) not in page]
    assert "<script>alert" not in page
    talk = Talk.select().where(Talk.guest == guest).order_by(Talk.id).get()
    switch_to(lab.created_by)
    client.post(f"/c/lab/talks/{talk.id}/accept", data={"slot_id": weeks(lab)[0].id})
    held_in_past(talk)
    transcript = "\n\n".join(strings)
    assert publish(client, talk, transcript).status_code == 302
    assert Talk.get_by_id(talk.id).transcript_md == transcript
    session = html(client.get("/c/lab/archive/1"))
    assert "<script>alert" not in session
    assert str(escape(talk.topic)) in session
    assert failures == []


def test_review_accepts_proposal_into_another_week_and_guest_confirms(lab, client, switch_to):
    guest = guest_in(lab)
    switch_to(guest)
    propose(client, lab, weeks(lab)[0], topic="只选了一周")
    waiting = Talk.get(Talk.topic == "只选了一周")
    accepted_talk(client, switch_to, lab, weeks(lab)[0], "先到先得")

    review = html(client.get("/c/lab/talks"))
    assert review.count("Accept for that week") == 1
    assert f'<option value="{weeks(lab)[0].id}">' not in review
    client.post(f"/c/lab/talks/{waiting.id}/accept", data={"slot_id": weeks(lab)[4].id})
    client.post(f"/c/lab/talks/{waiting.id}/notify")
    switch_to(guest)
    client.post(f"/c/lab/talks/{waiting.id}/confirm")

    assert (Talk.get_by_id(waiting.id).status, Talk.get_by_id(waiting.id).slot_id) == (
        "confirmed", weeks(lab)[4].id)
    assert f"talk:{waiting.id}:accepted" in keys()


def test_review_lists_proposal_whose_weeks_are_gone(lab, client, switch_to):
    switch_to(guest_in(lab))
    propose(client, lab, weeks(lab)[2], topic="那周取消了")
    switch_to(lab.created_by)
    client.post(f"/c/lab/calendar/slots/{weeks(lab)[2].id}/cancel")

    review = html(client.get("/c/lab/talks"))

    talk = Talk.get(Talk.topic == "那周取消了")
    assert f'id="unlisted-{talk.id}"' in review
    assert "Proposals whose weeks are gone" in review


def test_archive_number_given_when_session_is_held_not_at_publication(lab, client, switch_to):
    talks = [accepted_talk(client, switch_to, lab, w, t) for w, t in
             zip(weeks(lab)[:2], ("三月十四日", "三月二十八日"), strict=True)]
    for talk in talks:
        switch_to(talk.guest)
        client.post(f"/c/lab/talks/{talk.id}/confirm")
    clock.travel_to(weeks(lab)[1].starts_at + timedelta(hours=2))
    jobs.run_due(dict(client.application.config), now=clock.now())
    switch_to(lab.created_by)

    assert publish(client, talks[1], "后一场").headers["Location"].endswith("/c/lab/archive/2")
    assert publish(client, talks[0], "前一场").headers["Location"].endswith("/c/lab/archive/1")
    assert re.findall(r"第(\d+)期", html(client.get("/c/lab/archive"))) == ["2", "1"]


def chosen_first_week(page):
    """The value of the option selected in the form's first-choice week, or None."""
    first = page.split('id="week1"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option selected value="([^"]*)"', first)
    return found.group(1) if found else None


def test_propose_form_takes_the_week_chosen_on_the_calendar(lab, client, switch_to):
    switch_to(make_member(lab))
    week = weeks(lab)[1]

    assert chosen_first_week(html(client.get(f"/c/lab/talks/new?week={week.id}"))) == str(
        week.id)
    assert chosen_first_week(html(client.get("/c/lab/talks/new"))) == ""  # "Choose a week"


def test_propose_form_ignores_a_week_that_is_no_open_week(lab, client, switch_to):
    switch_to(make_member(lab))
    open_ids = {str(week.id) for week in weeks(lab)}  # a string such as "1" may be one
    for text in [*corpora.naughty_strings(), "999999", "-1"]:
        response = client.get("/c/lab/talks/new", query_string={"week": text})
        assert response.status_code == 200, text
        expected = (text,) if text in open_ids else (None, "")
        assert chosen_first_week(html(response)) in expected, text
    assert Talk.select().count() == 0
