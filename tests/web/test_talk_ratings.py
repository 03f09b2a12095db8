"""Ratings after a session through the pages (docs/rules.md "Ratings after a session"): the
rating form on a held session's page, its messages, one rating per member, anonymity towards
the guest, names for staff, the private note, bad input from the corpora, and query counts
that do not grow with ratings or talks.

The clock starts on Wednesday 9 December 2026, 02:00 UTC; sessions are one-off sessions added
in the next hours, then the clock moves past them."""
from datetime import timedelta

import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.domain.sharing import ratings
from learnclub.models import CohortEvent
from learnclub.models.talk_ratings import TalkNote, TalkRating
from tests import corpora
from tests.factories import make_cohort, make_held_talk, make_member, make_user
from tests.query_count import count_queries

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def lab(app):
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="主持人"),
                       slug="lab")


@pytest.fixture
def speaker(lab):
    return make_member(lab, make_user(locale="en", display_name="嘉宾老王"), role="guest")



@pytest.fixture
def talk(lab, speaker):
    return make_held_talk(lab, speaker)


def member(cohort, name=None):
    return make_member(cohort, make_user(locale="en", **({"display_name": name} if name else {})))


def html(response):
    return response.get_data(as_text=True)


def rate(client, talk, score="4", line="讲得很具体"):
    return client.post(f"/c/lab/talks/{talk.id}/rate", data={"score": score, "line": line})


def rows(talk):
    return sorted((r.rater_id, r.score, r.line)
                  for r in TalkRating.select().where(TalkRating.talk == talk.id))


def test_member_sees_the_rating_form_on_the_session_page(talk, client, switch_to, lab):
    switch_to(member(lab))
    page = html(client.get("/c/lab/archive/1", headers=ENGLISH))
    assert page.count('type="radio" name="score"') == 5
    assert 'id="rating-form"' in page
    assert f'action="/c/lab/talks/{talk.id}/rate"' in page


def test_rating_form_in_chinese(talk, client, switch_to, lab):
    switch_to(make_member(lab, make_user(locale="zh_Hans_CN")))
    page = html(client.get("/c/lab/archive/1", headers={"Accept-Language": "zh-CN"}))
    assert "给这次分享打分" in page


def test_speaker_and_outsider_get_no_form_and_cannot_post(talk, speaker, client, switch_to):
    outsider = make_user(locale="en")
    for person in (speaker, outsider):
        switch_to(person)
        page = html(client.get("/c/lab/archive/1", headers=ENGLISH))
        assert 'id="rating-form"' not in page
        assert rate(client, talk).status_code == 200
    assert rows(talk) == []


def test_rate_page_says_why_not(talk, speaker, client, switch_to):
    switch_to(speaker)
    page = html(client.get(f"/c/lab/talks/{talk.id}/rate", headers=ENGLISH))
    assert "You cannot rate your own talk." in page
    assert 'id="rating-form"' not in page


def test_rating_is_saved_then_changed_not_duplicated(talk, client, switch_to, lab):
    learner = member(lab)
    switch_to(learner)
    first = rate(client, talk, "3", "还可以")
    second = rate(client, talk, "5", "后来用上了")
    assert (first.status_code, first.headers["Location"]) == (302, "/c/lab/archive/1#rate")
    assert second.status_code == 302
    assert rows(talk) == [(learner.id, 5, "后来用上了")]
    page = html(client.get("/c/lab/archive/1", headers=ENGLISH))
    assert 'value="5" checked' in page
    assert 'value="后来用上了"' in page


def test_held_talk_without_transcript_is_rated_from_the_archive(lab, speaker, client, switch_to):
    talk = make_held_talk(lab, speaker, publish=False)
    learner = member(lab)
    switch_to(learner)
    archive = html(client.get("/c/lab/archive", headers=ENGLISH))
    assert f'href="/c/lab/talks/{talk.id}/rate"' in archive
    response = rate(client, talk, "4", "")
    assert response.headers["Location"] == f"/c/lab/talks/{talk.id}/rate"
    assert rows(talk) == [(learner.id, 4, "")]


def test_rating_after_the_window_is_refused(talk, client, switch_to, lab):
    clock.travel_to(ratings.rating_closes(talk) + timedelta(minutes=1))
    switch_to(member(lab))
    response = rate(client, talk)
    assert (response.status_code, rows(talk)) == (200, [])
    assert "Ratings for this session closed 7 days after it ended." in html(response)
    assert 'id="rating-form"' not in html(client.get("/c/lab/archive/1", headers=ENGLISH))


@pytest.mark.parametrize(("score", "line", "message"), [
    ("0", "", "The score must be a whole number from 1 to 5."),
    ("6", "", "The score must be a whole number from 1 to 5."),
    ("abc", "", "The score must be a whole number from 1 to 5."),
    ("", "", "Choose a score from 1 to 5."),
    ("4", "长" * 201, "One line is 201 characters long; the limit is 200."),
    ("4", "一\n二", "Keep it to one line."),
])
def test_bad_input_gets_a_message_and_changes_nothing(talk, client, switch_to, lab, score,
                                                      line, message):
    learner = member(lab)
    switch_to(learner)
    rate(client, talk, "2", "原来的")
    response = rate(client, talk, score, line)
    assert response.status_code == 200
    assert f'<p class="error" id="{"score" if "score" in message else "line"}-error">' \
           f'{message}</p>' in html(response)
    assert rows(talk) == [(learner.id, 2, "原来的")]


def test_guest_sees_average_and_lines_but_no_names_staff_see_names(talk, speaker, client,
                                                                    switch_to, lab):
    raters = [member(lab, "评分人甲"), member(lab, "评分人乙"), member(lab, "评分人丙")]
    for person, (score, line) in zip(raters, [(5, "案例很扎实"), (4, "节奏有点快"), (3, "")],
                                     strict=True):
        ratings.rate_talk(talk, person, score=score, line=line, now=clock.now())
    switch_to(speaker)
    mine = html(client.get("/c/lab/talks/mine", headers=ENGLISH))
    assert "★ 4.0" in mine
    assert "3 ratings" in mine
    assert "案例很扎实" in mine
    assert "节奏有点快" in mine
    assert [name for name in ("评分人甲", "评分人乙", "评分人丙") if name in mine] == []
    assert client.get(f"/c/lab/talks/{talk.id}/ratings").status_code == 403
    switch_to(lab.created_by)
    staff = html(client.get(f"/c/lab/talks/{talk.id}/ratings", headers=ENGLISH))
    assert [name for name in ("评分人甲", "评分人乙", "评分人丙") if name in staff] == [
        "评分人甲", "评分人乙", "评分人丙"]
    assert "★ 4.0" in html(client.get("/c/lab/archive/1", headers=ENGLISH))


def test_members_do_not_see_the_ratings_of_others(talk, client, switch_to, lab):
    ratings.rate_talk(talk, member(lab, "评分人甲"), score=5, line="秘密的一句", now=clock.now())
    switch_to(member(lab))
    assert "秘密的一句" not in html(client.get("/c/lab/archive/1", headers=ENGLISH))
    assert client.get(f"/c/lab/talks/{talk.id}/ratings").status_code == 403


def test_speaker_record_on_profile_for_staff_only(talk, speaker, client, switch_to, lab):
    ratings.rate_talk(talk, member(lab), score=4, line="", now=clock.now())
    learner = member(lab)
    switch_to(lab.created_by)
    staff_view = html(client.get(f"/u/{speaker.id}", headers=ENGLISH))
    switch_to(learner)
    member_view = html(client.get(f"/u/{speaker.id}", headers=ENGLISH))
    assert "Speaker record" in staff_view
    assert "1 session held" in staff_view
    assert "★ 4.0" in staff_view
    assert "Speaker record" not in member_view


def test_host_notes_below_the_bar_privately_and_it_is_logged(talk, speaker, client, switch_to,
                                                             lab):
    switch_to(lab.created_by)
    response = client.post(f"/c/lab/talks/{talk.id}/note",
                           data={"below_bar": "y", "note": "准备不足，下次先彩排"})
    assert response.status_code == 302
    note = TalkNote.get(TalkNote.talk == talk.id)
    assert (note.below_bar, note.note) == (True, "准备不足，下次先彩排")
    assert [e.action for e in CohortEvent.select().where(
        CohortEvent.action == "talk_noted")] == ["talk_noted"]
    assert "private note on a talk" in html(client.get("/c/lab/audit", headers=ENGLISH))
    switch_to(speaker)
    assert "准备不足" not in html(client.get("/c/lab/talks/mine", headers=ENGLISH))
    assert client.post(f"/c/lab/talks/{talk.id}/note", data={"note": "x"}).status_code == 403


def test_note_too_long_is_refused(talk, client, switch_to, lab):
    switch_to(lab.created_by)
    response = client.post(f"/c/lab/talks/{talk.id}/note", data={"note": "长" * 501},
                           headers=ENGLISH)
    assert response.status_code == 400
    assert "Private note is 501 characters long; the limit is 500." in html(response)
    assert TalkNote.select().count() == 0


# Every naughty string and XSS payload on the line -------------------------------------------

def _acceptable(text):
    return len(text) <= ratings.LINE_MAX and not any(c in text for c in "\r\n\x00")


def test_every_naughty_string_is_stored_exactly_or_refused_and_refilled_escaped(
        talk, client, switch_to, lab):
    learner = member(lab)
    switch_to(learner)
    failures = []
    strings = corpora.naughty_strings()
    assert len(strings) == 515
    for text in strings:
        before = rows(talk)
        response = rate(client, talk, "4", text)
        if _acceptable(text):
            if response.status_code != 302 or rows(talk) != [(learner.id, 4, text)]:
                failures.append(("stored", text, response.status_code))
            form = html(client.get(f"/c/lab/talks/{talk.id}/rate"))
            if f'value="{escape(text)}"' not in form:
                failures.append(("form", text))
        elif response.status_code != 200 or rows(talk) != before:
            failures.append(("refused", text, response.status_code))
    assert failures == []


def test_naughty_lines_and_xss_are_escaped_on_every_page(talk, speaker, client, switch_to, lab):
    lines = [t for t in corpora.naughty_strings() if _acceptable(t) and t.strip()]
    lines += [t for t in corpora.xss_payloads()[::20] if _acceptable(t) and t.strip()]
    for text in lines:
        ratings.rate_talk(talk, make_member(lab), score=3, line=text, now=clock.now())
    switch_to(speaker)
    mine = html(client.get("/c/lab/talks/mine", headers=ENGLISH))
    switch_to(lab.created_by)
    staff = html(client.get(f"/c/lab/talks/{talk.id}/ratings", headers=ENGLISH))
    missing = [t for t in lines if str(escape(t)) not in mine or str(escape(t)) not in staff]
    assert missing == []
    assert "<script>alert(" not in mine + staff


# Query counts ----------------------------------------------------------------------------

def test_archive_and_guest_pages_do_not_grow_with_ratings_or_talks(lab, speaker, client,
                                                                   switch_to):
    viewer = member(lab)

    def counts(talks):
        switch_to(viewer)
        with count_queries() as archive:
            assert client.get("/c/lab/archive").status_code == 200
        with count_queries() as session:
            assert client.get(f"/c/lab/archive/{talks[-1].number}").status_code == 200
        switch_to(speaker)
        with count_queries() as mine:
            assert client.get("/c/lab/talks/mine").status_code == 200
        return len(archive), len(session), len(mine)

    first = [make_held_talk(lab, speaker)]
    ratings.rate_talk(first[0], member(lab), score=4, line="一", now=clock.now())
    few = counts(first)
    more = first + [make_held_talk(lab, speaker, hours_ahead=2 + i) for i in range(3)]
    for talk in more:
        for n in range(4):
            ratings.rate_talk(talk, member(lab), score=1 + n, line=f"第{n}句", now=clock.now())
    many = counts(more)
    assert many == few
    switch_to(viewer)
    assert html(client.get("/c/lab/archive")).count('/rate"') == 4
