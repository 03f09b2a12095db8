"""Weekly guest sharing (docs/rules.md "Weekly guest sharing"), on a real database: weeks from
the cohort's rule across daylight saving, one-off, moved and cancelled sessions, proposals,
the states of a talk, and the numbered archive (第N期).

NOW is Monday 23 November 2026, 10:00 in Shanghai. The lab cohort has the defaults: Sunday
20:00 (12:00 UTC), 60 minutes, 8 weeks ahead, 30 points for a guest share.
"""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from peewee import IntegrityError

from learnclub.db import db
from learnclub.domain.cohorts.settings import delete_cohort
from learnclub.domain.errors import Conflict, DomainError, NotAllowed
from learnclub.domain.sharing.archive import archive, mark_held, publish_transcript
from learnclub.domain.sharing.talks import (
    accept_talk,
    add_one_off_slot,
    cancel_slot,
    cancel_talk,
    confirm_talk,
    decline_talk,
    edit_talk,
    generate_slots,
    mail_slot_cancelled,
    move_slot,
    propose_talk,
    withdraw_talk,
)
from learnclub.models import (
    OutboxMessage,
    PointEvent,
    ShareSlot,
    Talk,
    TalkPreference,
    TalkRevision,
    User,
)
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def slots(cohort):
    """The eight Sundays ahead, first to last."""
    return generate_slots(cohort, now=NOW)


def host_of(cohort):
    return cohort.created_by


def guest(**values):
    values = {"display_name": "嘉宾", "company_title": "鲜到家 创始人",
              "intro_md": "做了五年社区团购。", "locale": "en", **values}
    return make_user(**values)


def propose(cohort, *preferred, person=None, topic="从一个群到一张网"):
    return propose_talk(cohort, person or guest(), topic=topic, abstract="社区团购的三个阶段",
                        preferred_slots=list(preferred), now=NOW)


def fresh(row):
    return type(row).get_by_id(row.id)


def held_talk(cohort, slot, topic="从一个群到一张网"):
    """A talk accepted for the slot and held at its start."""
    talk = accept_talk(propose(cohort, slot, topic=topic), slot, actor=host_of(cohort), now=NOW)
    return mark_held(talk, now=slot.starts_at)


def local_starts(cohort):
    """(local wall time, UTC time, ISO week) of the cohort's slots, in time order."""
    zone = ZoneInfo(cohort.timezone)
    return [(s.starts_at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M"),
             s.starts_at.strftime("%m-%d %H:%MZ"), s.week)
            for s in ShareSlot.select().where(ShareSlot.cohort == cohort)
            .order_by(ShareSlot.starts_at)]


# Weeks from the rule ------------------------------------------------------------------------

def test_generate_slots_shanghai_sundays_at_20_local(cohort):
    created = generate_slots(cohort, now=NOW)

    assert len(created) == 8
    assert local_starts(cohort) == [
        ("Sun 2026-11-29 20:00", "11-29 12:00Z", "2026-W48"),
        ("Sun 2026-12-06 20:00", "12-06 12:00Z", "2026-W49"),
        ("Sun 2026-12-13 20:00", "12-13 12:00Z", "2026-W50"),
        ("Sun 2026-12-20 20:00", "12-20 12:00Z", "2026-W51"),
        ("Sun 2026-12-27 20:00", "12-27 12:00Z", "2026-W52"),
        ("Sun 2027-01-03 20:00", "01-03 12:00Z", "2026-W53"),
        ("Sun 2027-01-10 20:00", "01-10 12:00Z", "2027-W01"),
        ("Sun 2027-01-17 20:00", "01-17 12:00Z", "2027-W02"),
    ]
    assert {(s.kind, s.status, s.minutes, s.sequence) for s in created} == {
        ("weekly", "open", 60, 0)}
    assert len({s.uid for s in created}) == 8
    assert all(s.uid.startswith("slot-") and s.uid.endswith("@learnclub") for s in created)


def test_generate_slots_new_york_spring_forward_keeps_20_local(app):
    cohort = make_cohort(timezone="America/New_York")

    generate_slots(cohort, now=datetime(2026, 2, 20, 12, 0, tzinfo=UTC))

    assert local_starts(cohort) == [
        ("Sun 2026-02-22 20:00", "02-23 01:00Z", "2026-W08"),
        ("Sun 2026-03-01 20:00", "03-02 01:00Z", "2026-W09"),
        ("Sun 2026-03-08 20:00", "03-09 00:00Z", "2026-W10"),  # daylight saving from 02:00
        ("Sun 2026-03-15 20:00", "03-16 00:00Z", "2026-W11"),
        ("Sun 2026-03-22 20:00", "03-23 00:00Z", "2026-W12"),
        ("Sun 2026-03-29 20:00", "03-30 00:00Z", "2026-W13"),
        ("Sun 2026-04-05 20:00", "04-06 00:00Z", "2026-W14"),
        ("Sun 2026-04-12 20:00", "04-13 00:00Z", "2026-W15"),
    ]


def test_generate_slots_new_york_fall_back_keeps_20_local(app):
    cohort = make_cohort(timezone="America/New_York", sharing_weeks_ahead=4)

    generate_slots(cohort, now=datetime(2026, 10, 16, 12, 0, tzinfo=UTC))

    assert local_starts(cohort) == [
        ("Sun 2026-10-18 20:00", "10-19 00:00Z", "2026-W42"),
        ("Sun 2026-10-25 20:00", "10-26 00:00Z", "2026-W43"),
        ("Sun 2026-11-01 20:00", "11-02 01:00Z", "2026-W44"),  # standard time from 02:00
        ("Sun 2026-11-08 20:00", "11-09 01:00Z", "2026-W45"),
    ]


def test_generate_slots_time_skipped_by_spring_forward_moves_an_hour_later(app):
    cohort = make_cohort(timezone="America/New_York", sharing_time="02:30",
                         sharing_weeks_ahead=1)

    generate_slots(cohort, now=datetime(2026, 3, 5, tzinfo=UTC))

    assert local_starts(cohort) == [("Sun 2026-03-08 03:30", "03-08 07:30Z", "2026-W10")]


def test_generate_slots_weekday_and_time_from_settings(app):
    cohort = make_cohort(sharing_weekday=2, sharing_time="19:30", sharing_minutes=90,
                         sharing_weeks_ahead=2)

    created = generate_slots(cohort, now=NOW)

    assert local_starts(cohort) == [("Wed 2026-11-25 19:30", "11-25 11:30Z", "2026-W48"),
                                    ("Wed 2026-12-02 19:30", "12-02 11:30Z", "2026-W49")]
    assert [s.minutes for s in created] == [90, 90]


def test_generate_slots_on_the_day_after_the_start_begins_next_week(cohort):
    sunday_evening = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # 20:00 sharp: started

    created = generate_slots(cohort, now=sunday_evening)

    assert [s.week for s in created][:2] == ["2026-W49", "2026-W50"]
    assert len(created) == 8


def test_generate_slots_twice_creates_nothing_new(cohort, slots):
    again = generate_slots(cohort, now=NOW)

    assert again == []
    assert ShareSlot.select().count() == 8


def test_generate_slots_a_week_later_adds_only_the_new_week(cohort, slots):
    later = generate_slots(cohort, now=NOW + timedelta(days=7))

    assert [s.week for s in later] == ["2027-W03"]
    assert ShareSlot.select().count() == 9


def test_generate_slots_never_recreates_cancelled_or_moved_week(cohort, slots):
    host = host_of(cohort)
    cancel_slot(slots[0], actor=host, now=NOW)
    move_slot(slots[1], slots[1].starts_at - timedelta(days=1), actor=host, now=NOW)

    again = generate_slots(cohort, now=NOW)

    assert again == []
    assert [(s.week, s.status) for s in ShareSlot.select().order_by(ShareSlot.starts_at)][:2] \
        == [("2026-W48", "cancelled"), ("2026-W49", "open")]


def test_generate_slots_skips_a_time_a_one_off_slot_has(cohort):
    one_off = add_one_off_slot(cohort, datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
                               actor=host_of(cohort), now=NOW)

    created = generate_slots(cohort, now=NOW)

    assert [s.week for s in created][0] == "2026-W49"
    assert ShareSlot.select().where(ShareSlot.starts_at == one_off.starts_at).count() == 1


# One-off, moved and cancelled sessions ------------------------------------------------------

def test_add_one_off_slot_has_no_week_and_cohort_length(cohort):
    slot = add_one_off_slot(cohort, datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
                            actor=host_of(cohort), now=NOW)

    assert (slot.kind, slot.week, slot.minutes, slot.status, slot.sequence) == (
        "one_off", None, 60, "open", 0)


@pytest.mark.parametrize(("starts_at", "minutes", "error", "field"), [
    (NOW - timedelta(hours=1), None, DomainError, "starts_at"),
    (NOW + timedelta(days=2), 5, DomainError, "minutes"),
    (datetime(2026, 11, 29, 12, 0, tzinfo=UTC), None, Conflict, "starts_at"),  # a Sunday
])
def test_add_one_off_slot_refused(cohort, slots, starts_at, minutes, error, field):
    with pytest.raises(error) as caught:
        add_one_off_slot(cohort, starts_at, actor=host_of(cohort), now=NOW, minutes=minutes)

    assert (type(caught.value), caught.value.field) == (error, field)


def test_move_slot_bumps_sequence_keeps_uid_and_week(cohort, slots):
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)

    moved = move_slot(slots[1], saturday, actor=host_of(cohort), now=NOW, minutes=90)

    assert (moved.id, moved.uid, moved.week, moved.starts_at, moved.minutes, moved.sequence) \
        == (slots[1].id, slots[1].uid, "2026-W49", saturday, 90, 1)


def test_move_slot_onto_another_open_session_conflicts(cohort, slots):
    with pytest.raises(Conflict) as caught:
        move_slot(slots[1], slots[2].starts_at, actor=host_of(cohort), now=NOW)

    assert caught.value.message == "Another session of this cohort starts at that time."
    assert (fresh(slots[1]).starts_at, fresh(slots[1]).sequence) == (slots[1].starts_at, 0)


def test_cancel_slot_bumps_sequence_and_cancels_its_talk(cohort, slots):
    talk, waiting = propose(cohort, slots[0]), propose(cohort, slots[0], slots[1])
    accept_talk(talk, slots[0], actor=host_of(cohort), now=NOW)
    learner = make_member(cohort)

    cancelled = cancel_slot(slots[0], actor=host_of(cohort), now=NOW)

    assert (cancelled.slot.status, cancelled.slot.sequence) == ("cancelled", 2)  # accept, cancel
    assert [t.id for t in cancelled.talks] == [talk.id]
    assert fresh(talk).status == "cancelled"
    assert fresh(waiting).status == "submitted"
    assert [p.id for p in cancelled.people] == sorted(
        [host_of(cohort).id, talk.guest_id, waiting.guest_id, learner.id])


def test_cancel_slot_twice_conflicts(cohort, slots):
    cancel_slot(slots[0], actor=host_of(cohort), now=NOW)

    with pytest.raises(Conflict):
        cancel_slot(slots[0], actor=host_of(cohort), now=NOW)

    assert fresh(slots[0]).sequence == 1


def test_cancel_slot_frees_its_time_for_a_new_session(cohort, slots):
    cancel_slot(slots[0], actor=host_of(cohort), now=NOW)

    again = add_one_off_slot(cohort, slots[0].starts_at, actor=host_of(cohort), now=NOW)

    assert (again.starts_at, again.status) == (slots[0].starts_at, "open")


def test_mail_slot_cancelled_queues_one_mail_per_person_once(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)
    learner = make_member(cohort, make_user(locale="en"))
    cancelled = cancel_slot(slots[0], actor=host_of(cohort), now=NOW)

    mail_slot_cancelled(cancelled, link="https://learn.example.org/c/lab/calendar", now=NOW)
    mail_slot_cancelled(cancelled, link="https://learn.example.org/c/lab/calendar", now=NOW)

    mails = {m.user_id: m for m in OutboxMessage.select()}
    assert sorted(m.key for m in mails.values()) == sorted(
        f"slot:{slots[0].id}:cancelled:user:{u}"
        for u in (host_of(cohort).id, talk.guest_id, learner.id))
    assert mails[learner.id].subject.startswith(
        "Cancelled: guest sharing on Sun 29 Nov, 20:00 (Beijing time)")
    assert "从一个群到一张网" in mails[talk.guest_id].body
    assert "从一个群到一张网" not in mails[learner.id].body


# Proposals ----------------------------------------------------------------------------------

def test_propose_talk_snapshots_title_and_bio(cohort, slots):
    person = guest()

    talk = propose(cohort, slots[2], slots[0], person=person)
    User.update(company_title="已退休", intro_md="").where(User.id == person.id).execute()

    talk = fresh(talk)
    assert (talk.status, talk.slot_id, talk.title_snapshot, talk.bio_snapshot) == (
        "submitted", None, "鲜到家 创始人", "做了五年社区团购。")
    assert [(p.slot_id, p.rank) for p in talk.preferences.order_by(TalkPreference.rank)] == [
        (slots[2].id, 1), (slots[0].id, 2)]


def test_propose_talk_title_and_bio_given_override_profile(cohort, slots):
    talk = propose_talk(cohort, guest(), topic="付费社群", abstract="定价", now=NOW,
                        preferred_slots=[slots[0].id], title="顾问", bio="前店长")

    assert (talk.title_snapshot, talk.bio_snapshot) == ("顾问", "前店长")


@pytest.mark.parametrize(("case", "field"), [
    ("no week", "slots"), ("four weeks", "slots"), ("same week twice", "slots"),
    ("cancelled week", "slots"), ("past week", "slots"), ("other cohort's week", "slots"),
    ("taken week", "slots"), ("empty topic", "topic"), ("NUL in abstract", "abstract"),
    ("long title", "title"),
])
def test_propose_talk_refused(cohort, slots, case, field):
    other = generate_slots(make_cohort(), now=NOW)[0]
    cancel_slot(slots[5], actor=host_of(cohort), now=NOW)
    accept_talk(propose(cohort, slots[6]), slots[6], actor=host_of(cohort), now=NOW)
    preferred = {"no week": [], "four weeks": slots[:4], "same week twice": [slots[0]] * 2,
                 "cancelled week": [slots[5]], "past week": [slots[0]],
                 "other cohort's week": [other], "taken week": [slots[1], slots[6]]}
    text = {"topic": "社区团购", "abstract": "三个阶段", "title": None}
    text.update({"empty topic": {"topic": "  "}, "NUL in abstract": {"abstract": "a\x00b"},
                 "long title": {"title": "长" * 301}}.get(case, {}))
    now = slots[0].starts_at if case == "past week" else NOW

    with pytest.raises(DomainError) as caught:
        propose_talk(cohort, guest(), preferred_slots=preferred.get(case, [slots[1]]), now=now,
                     **text)

    assert caught.value.field == field
    assert Talk.select().count() == 1  # the one accepted above


def test_edit_talk_by_guest_changes_text_and_bumps_sequence_of_its_week(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    edited = edit_talk(talk, guest=talk.guest, topic="新题目", abstract="新摘要", title="顾问",
                       bio="", now=NOW)

    assert (edited.topic, edited.abstract_md, edited.title_snapshot, edited.status) == (
        "新题目", "新摘要", "顾问", "accepted")
    assert fresh(slots[0]).sequence == 2


def test_edit_talk_by_someone_else_not_allowed(cohort, slots):
    talk = propose(cohort, slots[0])

    with pytest.raises(NotAllowed):
        edit_talk(talk, guest=make_user(), topic="x", abstract="y", title="", bio="", now=NOW)


# States of a talk ---------------------------------------------------------------------------

def test_accept_talk_gives_week_and_bumps_sequence(cohort, slots):
    talk = propose(cohort, slots[0], slots[1])

    accepted = accept_talk(talk, slots[1], actor=host_of(cohort), now=NOW)

    assert (accepted.status, accepted.slot_id) == ("accepted", slots[1].id)
    assert Talk.holding(slots[1]).id == talk.id
    assert [fresh(s).sequence for s in slots[:2]] == [0, 1]
    assert OutboxMessage.select().count() == 0  # deciding is not telling


def test_accept_talk_second_for_same_week_conflicts(cohort, slots):
    first, second = propose(cohort, slots[0]), propose(cohort, slots[0])
    accept_talk(first, slots[0], actor=host_of(cohort), now=NOW)

    with pytest.raises(Conflict) as caught:
        accept_talk(second, slots[0], actor=host_of(cohort), now=NOW)

    assert caught.value.message == "This week was just taken: another guest has it."
    assert (fresh(second).status, fresh(second).slot_id) == ("submitted", None)
    assert fresh(slots[0]).sequence == 1


def test_accept_talk_after_withdrawal_week_is_open_again(cohort, slots):
    first, second = propose(cohort, slots[0]), propose(cohort, slots[0])
    accept_talk(first, slots[0], actor=host_of(cohort), now=NOW)
    withdraw_talk(first, guest=first.guest, now=NOW)

    accepted = accept_talk(second, slots[0], actor=host_of(cohort), now=NOW)

    assert [(t.id, t.status, t.slot_id) for t in Talk.select().order_by(Talk.id)] == [
        (first.id, "withdrawn", slots[0].id), (accepted.id, "accepted", slots[0].id)]
    assert fresh(slots[0]).sequence == 3


def test_one_accepted_talk_per_slot_is_the_databases_rule(cohort, slots):
    first, second = propose(cohort, slots[0]), propose(cohort, slots[0])
    Talk.update(status="confirmed", slot=slots[0]).where(Talk.id == first.id).execute()

    with pytest.raises(IntegrityError), db.atomic():
        Talk.update(status="held", slot=slots[0]).where(Talk.id == second.id).execute()

    indexes = {i.name: (i.columns, i.unique, "WHERE" in i.sql.upper())
               for i in db.get_indexes("talk")}
    assert indexes["talk_one_per_slot"] == (["slot_id"], True, True)


def test_confirm_talk_by_guest(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    confirmed = confirm_talk(talk, guest=talk.guest, now=NOW)

    assert (confirmed.status, fresh(slots[0]).sequence) == ("confirmed", 2)


def test_confirm_talk_by_someone_else_not_allowed(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    with pytest.raises(NotAllowed):
        confirm_talk(talk, guest=host_of(cohort), now=NOW)

    assert fresh(talk).status == "accepted"


def test_decline_talk_leaves_week_open(cohort, slots):
    talk = propose(cohort, slots[0])

    declined = decline_talk(talk, actor=host_of(cohort), now=NOW)

    assert (declined.status, declined.slot_id, Talk.holding(slots[0])) == ("declined", None, None)


def test_cancel_talk_opens_week_again(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)
    talk = confirm_talk(talk, guest=talk.guest, now=NOW)

    cancelled = cancel_talk(talk, actor=host_of(cohort), now=NOW)

    assert (cancelled.status, Talk.holding(slots[0]), fresh(slots[0]).sequence) == (
        "cancelled", None, 3)


def test_mark_held_after_start(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    held = mark_held(talk, now=slots[0].starts_at)

    assert (held.status, Talk.holding(slots[0]).id) == ("held", talk.id)


def test_mark_held_before_start_refused(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    with pytest.raises(DomainError) as caught:
        mark_held(talk, now=slots[0].starts_at - timedelta(seconds=1))

    assert (caught.value.message, fresh(talk).status) == (
        "The session has not started yet.", "accepted")


@pytest.mark.parametrize(("state", "action"), [
    ("submitted", "confirm"), ("submitted", "cancel"), ("submitted", "hold"),
    ("accepted", "accept"), ("accepted", "decline"),
    ("declined", "accept"), ("declined", "withdraw"),
    ("withdrawn", "confirm"), ("cancelled", "accept"),
    ("held", "withdraw"), ("held", "cancel"), ("held", "edit"),
])
def test_talk_illegal_transition_conflicts(cohort, slots, state, action):
    host = host_of(cohort)
    talk = propose(cohort, slots[0], slots[1])
    if state != "submitted" and state != "declined":
        talk = accept_talk(talk, slots[0], actor=host, now=NOW)
    after = slots[0].starts_at + timedelta(hours=2)
    talk = {"declined": lambda: decline_talk(talk, actor=host, now=NOW),
            "withdrawn": lambda: withdraw_talk(talk, guest=talk.guest, now=NOW),
            "cancelled": lambda: cancel_talk(talk, actor=host, now=NOW),
            "held": lambda: mark_held(talk, now=after)}.get(state, lambda: talk)()
    act = {"accept": lambda: accept_talk(talk, slots[1], actor=host, now=NOW),
           "confirm": lambda: confirm_talk(talk, guest=talk.guest, now=NOW),
           "decline": lambda: decline_talk(talk, actor=host, now=NOW),
           "withdraw": lambda: withdraw_talk(talk, guest=talk.guest, now=after),
           "cancel": lambda: cancel_talk(talk, actor=host, now=after),
           "hold": lambda: mark_held(talk, now=after),
           "edit": lambda: edit_talk(talk, guest=talk.guest, topic="x", abstract="y",
                                     title="", bio="", now=after)}[action]

    with pytest.raises(Conflict):
        act()

    assert fresh(talk).status == state


# The archive (第N期) -------------------------------------------------------------------------

def test_publish_transcript_keeps_numbers_of_session_order(cohort, slots):
    first, second = held_talk(cohort, slots[0], "第一讲"), held_talk(cohort, slots[1], "第二讲")
    after = slots[1].starts_at + timedelta(hours=2)

    published = [publish_transcript(t, f"# {t.topic}\n全文", actor=host_of(cohort), now=after)
                 for t in (second, first)]

    assert [(t.topic, t.number, t.published_at) for t in published] == [
        ("第二讲", 2, after), ("第一讲", 1, after)]


def test_publish_transcript_cancelled_week_gets_no_number(cohort, slots):
    first = held_talk(cohort, slots[0], "第一讲")
    cancelled = accept_talk(propose(cohort, slots[1]), slots[1], actor=host_of(cohort), now=NOW)
    cancel_slot(slots[1], actor=host_of(cohort), now=NOW)
    third = held_talk(cohort, slots[2], "第三讲")
    after = slots[2].starts_at + timedelta(hours=2)

    with pytest.raises(Conflict):
        publish_transcript(cancelled, "全文", actor=host_of(cohort), now=after)
    numbers = [publish_transcript(t, "全文", actor=host_of(cohort), now=after).number
               for t in (first, third)]

    assert numbers == [1, 2]
    assert fresh(cancelled).number is None


def test_publish_transcript_numbers_never_reused_after_delete(cohort, slots):
    after = slots[2].starts_at + timedelta(hours=2)
    first, second = held_talk(cohort, slots[0]), held_talk(cohort, slots[1])
    for talk in (first, second):
        publish_transcript(talk, "全文", actor=host_of(cohort), now=after)
    second.delete_instance(recursive=True)

    third = publish_transcript(held_talk(cohort, slots[2]), "全文", actor=host_of(cohort),
                               now=after)

    assert third.number == 3
    assert [e.number for e in archive(cohort)] == [3, 1]


def test_publish_transcript_numbers_count_per_cohort(cohort, slots):
    other = make_cohort()
    other_slot = generate_slots(other, now=NOW)[0]
    after = slots[0].starts_at + timedelta(hours=2)

    mine = publish_transcript(held_talk(cohort, slots[0]), "全文", actor=host_of(cohort),
                              now=after)
    theirs = publish_transcript(held_talk(other, other_slot), "全文", actor=other.created_by,
                                now=after)

    assert (mine.number, theirs.number) == (1, 1)


def test_publish_transcript_edit_keeps_revision_and_number(cohort, slots):
    after = slots[0].starts_at + timedelta(hours=2)
    talk = publish_transcript(held_talk(cohort, slots[0]), "初稿", actor=host_of(cohort),
                              now=after)

    edited = publish_transcript(talk, "定稿", actor=host_of(cohort), now=after + timedelta(days=1),
                                recording_url="https://video.example.org/9")
    same = publish_transcript(edited, "定稿", actor=host_of(cohort), now=after + timedelta(days=2),
                              recording_url="https://video.example.org/9")

    assert (same.number, same.transcript_md, same.recording_url, same.published_at) == (
        1, "定稿", "https://video.example.org/9", after)
    assert [(r.transcript_md, r.created_at) for r in TalkRevision.select()] == [
        ("初稿", after + timedelta(days=1))]


def test_publish_transcript_awards_guest_points_once(cohort, slots):
    talk = held_talk(cohort, slots[0])
    after = slots[0].starts_at + timedelta(hours=2)

    publish_transcript(talk, "初稿", actor=host_of(cohort), now=after)
    publish_transcript(talk, "定稿", actor=host_of(cohort), now=after)

    assert [(p.user_id, p.kind, p.points, p.key) for p in PointEvent.select()] == [
        (talk.guest_id, "guest_share", 30, f"talk:{talk.id}:shared")]


def test_publish_transcript_of_accepted_talk_after_start_marks_it_held(cohort, slots):
    talk = accept_talk(propose(cohort, slots[0]), slots[0], actor=host_of(cohort), now=NOW)

    published = publish_transcript(talk, "全文", actor=host_of(cohort),
                                   now=slots[0].starts_at + timedelta(hours=1))

    assert (published.status, published.number) == ("held", 1)


@pytest.mark.parametrize(("transcript", "url", "field"), [
    ("", "", "transcript_md"),
    ("全文", "javascript:alert(1)", "recording_url"),
    ("全文", "video.example.org/9", "recording_url"),
    ("全文", "http://[video.example.org/9", "recording_url"),  # urllib cannot parse it
    ("全文", "https://video.example.org:port/9", "recording_url"),
])
def test_publish_transcript_refused(cohort, slots, transcript, url, field):
    talk = held_talk(cohort, slots[0])

    with pytest.raises(DomainError) as caught:
        publish_transcript(talk, transcript, actor=host_of(cohort), recording_url=url,
                           now=slots[0].starts_at + timedelta(hours=1))

    assert (caught.value.field, fresh(talk).published_at) == (field, None)


def test_archive_newest_first_with_guest_title_then_and_date(cohort, slots):
    after = slots[1].starts_at + timedelta(hours=2)
    for slot, topic in ((slots[0], "第一讲"), (slots[1], "第二讲")):
        publish_transcript(held_talk(cohort, slot, topic), "全文", actor=host_of(cohort),
                           now=after)
    held_talk(cohort, slots[2])  # held but not published: not in the archive
    User.update(company_title="已退休").execute()

    entries = archive(cohort)

    assert [(e.number, e.topic, e.guest.display_name, e.title_then, e.held_at)
            for e in entries] == [(2, "第二讲", "嘉宾", "鲜到家 创始人", slots[1].starts_at),
                                  (1, "第一讲", "嘉宾", "鲜到家 创始人", slots[0].starts_at)]


def test_delete_cohort_with_sharing_data(cohort, slots):
    publish_transcript(held_talk(cohort, slots[0]), "全文", actor=host_of(cohort),
                       now=slots[0].starts_at + timedelta(hours=1))
    propose(cohort, slots[1], slots[2])

    delete_cohort(cohort, actor=host_of(cohort))

    assert (ShareSlot.select().count(), Talk.select().count()) == (0, 0)
