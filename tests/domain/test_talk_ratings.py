"""Ratings after a session (docs/rules.md "Ratings after a session"): who may rate a held
talk and until when (`may_rate`), one rating per member and talk, and staff's private note.

The clock starts on Wednesday 9 December 2026; the first session is Sunday 13 December,
20:00 in Shanghai (12:00 UTC), 60 minutes: it ends at 13:00 UTC and ratings close 7 days
later, Sunday 20 December 13:00 UTC.
"""
from datetime import timedelta

import pytest
from peewee import IntegrityError

from learnclub.db import db
from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.domain.sharing import ratings, talk_notes
from learnclub.domain.sharing.archive import mark_held
from learnclub.domain.sharing.ratings import NotRatable, may_rate, rate_talk
from learnclub.domain.sharing.talks import accept_talk, confirm_talk, generate_slots, propose_talk
from learnclub.models import Membership, Talk
from learnclub.models.talk_ratings import TalkRating
from tests.factories import make_cohort, make_member, make_user
from tests.timeline import START

#: the first weekly session after the suite's START (Wednesday 10:00 in Shanghai): Sunday 20:00
SESSION = START + timedelta(days=4, hours=10)
ENDS = SESSION + timedelta(hours=1)
CLOSES = ENDS + timedelta(days=7)


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def speaker(cohort):
    return make_member(cohort, role="guest")


@pytest.fixture
def learner(cohort):
    return make_member(cohort)


def held_talk(cohort, speaker, clock):
    """The speaker's talk for the first Sunday, confirmed and held at its end."""
    slot = generate_slots(cohort, now=clock.now())[0]
    assert slot.starts_at == SESSION
    talk = propose_talk(cohort, speaker, topic="社群冷启动", abstract="三个故事",
                        preferred_slots=[slot], now=clock.now())
    accept_talk(talk, slot, actor=cohort.created_by, now=clock.now())
    confirm_talk(talk, guest=speaker, now=clock.now())
    clock.travel_to(ENDS)
    return mark_held(talk, now=ENDS, actor=cohort.created_by)


@pytest.fixture
def talk(cohort, speaker, clock):
    return held_talk(cohort, speaker, clock)


def test_may_rate_a_held_talk_the_member_attended(talk, learner):
    assert may_rate(learner, talk, ENDS) == ratings.Verdict(None)
    assert bool(may_rate(learner, talk, ENDS)) is True


def test_may_rate_until_the_window_closes_and_not_after(talk, learner, clock):
    clock.travel_to(CLOSES, frozen=True)
    assert may_rate(learner, talk, clock.now()).reason is None
    clock.travel_to(CLOSES + timedelta(microseconds=1), frozen=True)
    assert may_rate(learner, talk, clock.now()).reason == NotRatable.CLOSED


def test_rating_window_closes_seven_days_after_the_session_ends(talk):
    assert ratings.rating_closes(talk) == CLOSES


def test_may_not_rate_before_the_talk_is_held(cohort, speaker, learner, clock):
    slot = generate_slots(cohort, now=clock.now())[0]
    talk = propose_talk(cohort, speaker, topic="t", abstract="a", preferred_slots=[slot],
                        now=clock.now())
    accept_talk(talk, slot, actor=cohort.created_by, now=clock.now())
    clock.travel_to(SESSION + timedelta(minutes=30))
    assert may_rate(learner, Talk.get_by_id(talk.id), clock.now()).reason == NotRatable.NOT_HELD


def test_speaker_cannot_rate_own_talk(talk, speaker):
    assert may_rate(speaker, talk, ENDS).reason == NotRatable.SPEAKER


def test_learner_speaker_cannot_rate_own_talk_but_others_can(cohort, learner, clock):
    other = make_member(cohort)
    talk = held_talk(cohort, learner, clock)
    assert (may_rate(learner, talk, ENDS).reason, may_rate(other, talk, ENDS).reason) == (
        NotRatable.SPEAKER, None)


def test_non_member_cannot_rate(talk):
    assert may_rate(make_user(), talk, ENDS).reason == NotRatable.NOT_MEMBER


def test_another_guest_of_the_cohort_is_not_audience(cohort, talk):
    assert may_rate(make_member(cohort, role="guest"), talk, ENDS).reason == \
        NotRatable.NOT_MEMBER


def test_removed_member_cannot_rate(talk, learner):
    Membership.update(status="removed", removed_at=ENDS).where(
        Membership.user == learner.id).execute()
    assert may_rate(learner, talk, ENDS).reason == NotRatable.REMOVED


def test_member_who_joined_after_the_session_cannot_rate(talk, learner):
    Membership.update(joined_at=SESSION + timedelta(minutes=1)).where(
        Membership.user == learner.id).execute()
    assert may_rate(learner, talk, ENDS).reason == NotRatable.JOINED_LATER


def test_staff_who_were_there_may_rate(cohort, talk):
    assert may_rate(cohort.created_by, talk, ENDS).reason is None


def test_rating_twice_updates_the_one_rating(talk, learner, clock):
    first = rate_talk(talk, learner, score="3", line="还行", now=clock.now())
    clock.advance(days=2)
    second = rate_talk(talk, learner, score=5, line="回想起来很有用", now=clock.now())
    rows = [(r.id, r.score, r.line, r.created_at, r.updated_at)
            for r in TalkRating.select().where(TalkRating.talk == talk.id)]
    assert rows == [(first.id, 5, "回想起来很有用", first.created_at, second.updated_at)]
    assert second.updated_at - first.created_at >= timedelta(days=2)


def test_database_keeps_one_rating_per_member_and_talk(talk, learner, clock):
    rate_talk(talk, learner, score=4, line="", now=clock.now())
    with pytest.raises(IntegrityError), db.atomic():
        TalkRating.create(talk=talk, rater=learner, score=2, line="", created_at=ENDS,
                          updated_at=ENDS)


def test_rating_after_the_window_is_refused_and_changes_nothing(talk, learner, clock):
    rate_talk(talk, learner, score=4, line="好", now=clock.now())
    clock.travel_to(CLOSES + timedelta(minutes=1))
    with pytest.raises(NotAllowed) as caught:
        rate_talk(talk, learner, score=1, line="改主意了", now=clock.now())
    assert caught.value.message == "Ratings for this session closed 7 days after it ended."
    assert [(r.score, r.line) for r in TalkRating.select()] == [(4, "好")]


@pytest.mark.parametrize(("score", "message"), [
    ("0", "The score must be a whole number from 1 to 5."),
    ("6", "The score must be a whole number from 1 to 5."),
    ("abc", "The score must be a whole number from 1 to 5."),
    ("٣", "The score must be a whole number from 1 to 5."),
    ("", "Choose a score from 1 to 5."),
])
def test_bad_scores_are_refused(talk, learner, clock, score, message):
    with pytest.raises(DomainError) as caught:
        rate_talk(talk, learner, score=score, line="", now=clock.now())
    assert (caught.value.message, caught.value.field, TalkRating.select().count()) == (
        message, "score", 0)


def test_line_longer_than_200_or_on_two_lines_is_refused(talk, learner, clock):
    messages = []
    for line in ("好" * 201, "第一行\n第二行"):
        with pytest.raises(DomainError) as caught:
            rate_talk(talk, learner, score=4, line=line, now=clock.now())
        messages.append(caught.value.message)
    assert messages == ["One line is 201 characters long; the limit is 200.",
                        "Keep it to one line."]
    rate_talk(talk, learner, score=4, line="好" * 200, now=clock.now())
    assert TalkRating.select().count() == 1


def test_summary_and_anonymous_feedback(cohort, talk, learner, clock):
    other = make_member(cohort)
    rate_talk(talk, learner, score=4, line="案例很具体", now=clock.now())
    rate_talk(talk, other, score=5, line="", now=clock.now())
    anonymous = ratings.feedback([talk.id], with_raters=False)[talk.id]
    named = ratings.feedback([talk.id], with_raters=True)[talk.id]
    assert ratings.summaries([talk.id]) == {talk.id: ratings.Summary(2, 4.5)}
    assert [(r.score, r.line, r.rater) for r in anonymous] == [(4, "案例很具体", None)]
    assert sorted((r.score, r.rater.id) for r in named) == [(4, learner.id), (5, other.id)]


def test_speaker_record_only_for_cohorts_asked_about(cohort, speaker, talk, learner, clock):
    rate_talk(talk, learner, score=3, line="", now=clock.now())
    other = make_cohort(slug="other")
    assert [(r.cohort.id, r.sessions, r.ratings, r.average)
            for r in ratings.speaker_record(speaker, [cohort.id, other.id])] == [
        (cohort.id, 1, 1, 3.0)]
    assert ratings.speaker_record(speaker, [other.id]) == []
    assert ratings.staff_cohorts(cohort.created_by) == [cohort.id]
    assert ratings.staff_cohorts(learner) == []


def test_note_below_the_bar_is_kept_and_logged(cohort, talk, clock):
    host = cohort.created_by
    talk_notes.note_talk(talk, actor=host, below_bar=True, note="准备不足", now=clock.now())
    talk_notes.note_talk(talk, actor=host, below_bar=True, note="准备不足", now=clock.now())
    note = talk_notes.note_of(talk)
    entries = [e for e in cohort_log(cohort).entries if e.action == "talk_noted"]
    assert (note.below_bar, note.note, note.author_id) == (True, "准备不足", host.id)
    assert [(e.by.id, e.subject_id, e.changes) for e in entries] == [
        (host.id, talk.id, {"below_bar": [False, True], "note": None})]
