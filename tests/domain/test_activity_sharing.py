"""The cohort log for weekly guest sharing: what hosts do with sessions and talks, what guests
do with their talks, and the archive, each logged with who, when, on what and what changed.

NOW is Monday 23 November 2026, 10:00 in Shanghai; the lab cohort shares on Sundays at 20:00
(12:00 UTC), 60 minutes.
"""
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.sharing.archive import mark_held, publish_transcript
from learnclub.domain.sharing.proposals import approve_guest
from learnclub.domain.sharing.talks import (
    accept_talk,
    add_one_off_slot,
    cancel_slot,
    cancel_talk,
    confirm_talk,
    decline_talk,
    generate_slots,
    move_slot,
    propose_talk,
    withdraw_talk,
)
from tests.factories import make_cohort, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
VIDEO = "https://v.example.org/1"


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True), slug="lab")


@pytest.fixture
def host(cohort):
    return cohort.created_by


@pytest.fixture
def slots(cohort):
    return generate_slots(cohort, now=NOW)


@pytest.fixture
def guest():
    return make_user(display_name="嘉宾老周")


def propose(cohort, guest, slot):
    return propose_talk(cohort, guest, topic="从一个群到一张网", abstract="社区团购的三个阶段",
                        preferred_slots=[slot], now=NOW)


def logged(cohort, action):
    """(by, at, whom, subject kind, subject label, changes) of the entries of this action."""
    return [(e.by.id if e.by else None, e.at, e.person.id if e.person else None,
             e.subject_kind, e.subject_label, e.changes)
            for e in cohort_log(cohort, page=1, per_page=500).entries if e.action == action]


def test_add_one_off_slot_logs_its_start_and_length(cohort, host):
    starts = NOW + timedelta(days=2)

    add_one_off_slot(cohort, starts, actor=host, now=NOW, minutes=90)

    assert logged(cohort, "slot_added") == [
        (host.id, NOW, None, "slot", "", {"starts_at": starts, "minutes": 90})]


def test_move_slot_logs_old_and_new_start(cohort, host, slots):
    old, new = slots[0].starts_at, slots[0].starts_at + timedelta(days=1)

    move_slot(slots[0], new, actor=host, now=NOW)

    assert logged(cohort, "slot_moved") == [
        (host.id, NOW, None, "slot", slots[0].week, {"starts_at": [old, new]})]


def test_cancel_slot_logs_the_session_it_cancelled(cohort, host, slots):
    cancel_slot(slots[1], actor=host, now=NOW)

    assert logged(cohort, "slot_cancelled") == [
        (host.id, NOW, None, "slot", slots[1].week, {"starts_at": slots[1].starts_at})]


def test_accept_talk_logs_the_guest_the_topic_and_the_week(cohort, host, slots, guest):
    talk = propose(cohort, guest, slots[0])

    accept_talk(talk, slots[0], actor=host, now=NOW)

    assert logged(cohort, "talk_accepted") == [
        (host.id, NOW, guest.id, "talk", "从一个群到一张网", {"starts_at": slots[0].starts_at})]


@pytest.mark.parametrize(("accepted", "decide", "action"), [
    (False, lambda talk, host: decline_talk(talk, actor=host, now=LATER), "talk_declined"),
    (True, lambda talk, host: cancel_talk(talk, actor=host, now=LATER), "talk_cancelled")])
def test_host_declining_or_cancelling_a_talk_is_logged(cohort, host, slots, guest, accepted,
                                                       decide, action):
    talk = propose(cohort, guest, slots[0])
    if accepted:
        talk = accept_talk(talk, slots[0], actor=host, now=NOW)

    decide(talk, host)

    assert logged(cohort, action) == [(host.id, LATER, guest.id, "talk", "从一个群到一张网", {})]


def test_guest_confirming_and_withdrawing_is_logged_as_the_guest(cohort, host, slots, guest):
    talk = accept_talk(propose(cohort, guest, slots[0]), slots[0], actor=host, now=NOW)

    talk = confirm_talk(talk, guest=guest, now=LATER)
    withdraw_talk(talk, guest=guest, now=LATER + timedelta(hours=1))

    assert [row[:3] for row in logged(cohort, "talk_confirmed") + logged(
        cohort, "talk_withdrawn")] == [(guest.id, LATER, guest.id),
                                       (guest.id, LATER + timedelta(hours=1), guest.id)]


def test_mark_held_without_actor_is_by_rule(cohort, host, slots, guest):
    talk = accept_talk(propose(cohort, guest, slots[0]), slots[0], actor=host, now=NOW)

    mark_held(talk, now=slots[0].starts_at)

    assert logged(cohort, "talk_held") == [
        (None, slots[0].starts_at, guest.id, "talk", "从一个群到一张网", {})]


def test_publish_transcript_logs_the_number_then_what_an_edit_changed(cohort, host, slots,
                                                                      guest):
    talk = accept_talk(propose(cohort, guest, slots[0]), slots[0], actor=host, now=NOW)
    after = slots[0].starts_at + timedelta(hours=2)

    talk = publish_transcript(talk, "全文", actor=host, now=after)
    talk = publish_transcript(talk, "全文", actor=host, now=after, recording_url=VIDEO)
    publish_transcript(talk, "全文", actor=host, now=after, recording_url=VIDEO)  # no change

    topic = "从一个群到一张网"
    assert logged(cohort, "talk_held") == [(host.id, after, guest.id, "talk", topic, {})]
    assert logged(cohort, "transcript_published") == [
        (host.id, after, guest.id, "talk", topic, {"number": 1, "transcript_md": None})]
    assert logged(cohort, "transcript_edited") == [
        (host.id, after, guest.id, "talk", topic, {"recording_url": [None, VIDEO]})]


def test_approve_guest_is_in_the_log_as_a_membership_change(cohort, host, slots, guest):
    talk = propose(cohort, guest, slots[0])

    approve_guest(talk, actor=host, now=NOW)

    entry = cohort_log(cohort, page=1, per_page=10).entries[0]
    assert (entry.source, entry.action, entry.by.id, entry.person.id, entry.at) == (
        "membership", "admitted_as_guest", host.id, guest.id, NOW)
