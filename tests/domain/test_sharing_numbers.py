"""Session numbers (第N期) are taken when a session is held, in session order, and never
change; a host can give a proposal any open week (issue 13, point 9)."""
from datetime import UTC, datetime, timedelta

import pytest

from learnclub import jobs
from learnclub.domain.errors import Conflict
from learnclub.domain.sharing.archive import (
    archive,
    hold_ended_sessions,
    mark_held,
    publish_transcript,
)
from learnclub.domain.sharing.review import review_board
from learnclub.domain.sharing.talks import (
    accept_talk,
    cancel_slot,
    confirm_talk,
    generate_slots,
    propose_talk,
)
from learnclub.models import Talk
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def slots(cohort):
    return generate_slots(cohort, now=NOW)


def propose(cohort, *preferred, topic="分享"):
    guest = make_member(cohort, make_user(), role="guest")
    return propose_talk(cohort, guest, topic=topic, abstract="摘要",
                        preferred_slots=list(preferred), now=NOW)


def confirmed(cohort, slot, topic="分享"):
    talk = accept_talk(propose(cohort, slot, topic=topic), slot, actor=cohort.created_by,
                       now=NOW)
    return confirm_talk(talk, guest=talk.guest, now=NOW)


def ended(slot):
    return slot.starts_at + timedelta(minutes=slot.minutes)


def numbers(*talks):
    return [(Talk.get_by_id(t.id).status, Talk.get_by_id(t.id).number) for t in talks]


def test_hold_ended_sessions_numbers_in_session_order_before_any_transcript(cohort, slots):
    first, second, third = (confirmed(cohort, s, t) for s, t in
                            zip(slots[:3], ("第一讲", "第二讲", "第三讲"), strict=True))

    counts = [hold_ended_sessions(now=ended(slots[0])),
              hold_ended_sessions(now=ended(slots[0]) + timedelta(hours=1)),
              hold_ended_sessions(now=ended(slots[2]))]

    assert counts == [1, 0, 2]
    assert numbers(first, second, third) == [("held", 1), ("held", 2), ("held", 3)]


def test_publish_transcript_late_keeps_the_sessions_number(cohort, slots):
    # the 14 Mar session's transcript comes after the next two sessions' transcripts
    first, second, third = (confirmed(cohort, s) for s in slots[:3])
    for slot in slots[:3]:
        hold_ended_sessions(now=ended(slot))
    later = ended(slots[2]) + timedelta(days=2)

    published = [publish_transcript(t, "全文", actor=cohort.created_by, now=later + timedelta(
        days=i)).number for i, t in enumerate((second, third, first))]

    assert published == [2, 3, 1]
    assert [e.number for e in archive(cohort)] == [3, 2, 1]


def test_hold_ended_sessions_skips_unconfirmed_unfinished_and_cancelled(cohort, slots):
    accepted = accept_talk(propose(cohort, slots[0]), slots[0], actor=cohort.created_by,
                           now=NOW)
    cancelled = confirmed(cohort, slots[1])
    cancel_slot(slots[1], actor=cohort.created_by, now=NOW)
    running = confirmed(cohort, slots[2])

    held = hold_ended_sessions(now=slots[2].starts_at + timedelta(minutes=10))

    assert held == 0
    assert numbers(accepted, cancelled, running) == [
        ("accepted", None), ("cancelled", None), ("confirmed", None)]


def test_mark_held_by_hand_numbers_after_ended_sessions(cohort, slots):
    first, second = confirmed(cohort, slots[0]), confirmed(cohort, slots[1])
    third = accept_talk(propose(cohort, slots[2]), slots[2], actor=cohort.created_by, now=NOW)

    mark_held(third, now=slots[2].starts_at, actor=cohort.created_by)

    assert numbers(first, second, third) == [("held", 1), ("held", 2), ("held", 3)]


def test_mark_held_confirmed_session_that_ended_is_held_once(cohort, slots):
    talk = confirmed(cohort, slots[0])

    held = mark_held(talk, now=ended(slots[0]), actor=cohort.created_by)

    assert (held.status, held.number) == ("held", 1)
    with pytest.raises(Conflict):
        mark_held(talk, now=ended(slots[0]), actor=cohort.created_by)


def test_run_due_holds_sessions_that_ended(cohort, slots):
    talk = confirmed(cohort, slots[0])

    held = jobs.hold_share_sessions({}, now=ended(slots[0]))

    assert (held, numbers(talk)) == (1, [("held", 1)])
    assert "hold_share_sessions" in jobs.JOBS


# Accepting into any open week -------------------------------------------------------------

def test_accept_talk_into_a_week_the_guest_did_not_list(cohort, slots):
    waiting = propose(cohort, slots[0], topic="等待中")
    confirmed(cohort, slots[0], topic="先到")

    talk = accept_talk(waiting, slots[3], actor=cohort.created_by, now=NOW)
    talk = confirm_talk(talk, guest=talk.guest, now=NOW)

    assert (talk.status, talk.slot_id) == ("confirmed", slots[3].id)


def test_review_board_offers_open_weeks_and_proposals_whose_weeks_are_gone(cohort, slots):
    taken_week = propose(cohort, slots[0], topic="周被占")
    confirmed(cohort, slots[0])
    gone = propose(cohort, slots[1], topic="周被取消")
    cancel_slot(slots[1], actor=cohort.created_by, now=NOW)

    board = review_board(cohort, now=NOW)

    assert [s.id for s in board.open_weeks] == [s.id for s in slots[2:]]
    assert [t.id for t in board.unlisted] == [gone.id]
    assert [(r, t.id) for r, t in board.weeks[0].proposals] == [(1, taken_week.id)]
