"""The weekly sharing rule moves the calendar (issue 13, point 6): a new weekday, time or
length moves every open week ahead that no talk holds (SEQUENCE bumped, logged); weeks with an
accepted or confirmed talk stay where they are; the preview writes nothing."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.cohorts.settings import SETTING_FIELDS, update_cohort
from learnclub.domain.sharing.rule import apply_weekly_rule, plan_weekly_rule
from learnclub.domain.sharing.talks import (
    accept_talk,
    add_one_off_slot,
    confirm_talk,
    generate_slots,
    propose_talk,
)
from learnclub.models import Cohort, ShareSlot
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SATURDAY = {"sharing_weekday": 5, "sharing_time": "19:30"}


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def slots(cohort):
    """The eight Sundays 20:00 ahead; a guest accepted for the 2nd, one confirmed for the 3rd."""
    slots = generate_slots(cohort, now=NOW)
    for slot, confirm in ((slots[1], False), (slots[2], True)):
        guest = make_member(cohort, make_user(), role="guest")
        talk = propose_talk(cohort, guest, topic="分享", abstract="摘要", preferred_slots=[slot],
                            now=NOW)
        accept_talk(talk, slot, actor=cohort.created_by, now=NOW)
        if confirm:
            confirm_talk(talk, guest=guest, now=NOW)
    return slots


def save_rule(cohort, **rule):
    settings = {key: getattr(cohort, key) for key in SETTING_FIELDS} | rule
    update_cohort(cohort, settings, actor=cohort.created_by, now=NOW)
    return Cohort.get_by_id(cohort.id)


def calendar(cohort):
    """(local start, minutes, SEQUENCE) of the cohort's sessions, in time order."""
    zone = ZoneInfo(cohort.timezone)
    return [(s.starts_at.astimezone(zone).strftime("%a %m-%d %H:%M"), s.minutes, s.sequence)
            for s in ShareSlot.select().where(ShareSlot.cohort == cohort)
            .order_by(ShareSlot.starts_at)]


def test_apply_weekly_rule_moves_open_weeks_and_keeps_taken_ones(cohort, slots):
    cohort = save_rule(cohort, **SATURDAY)

    change = apply_weekly_rule(cohort, actor=cohort.created_by, now=NOW)

    assert ([s.id for s, _start, _minutes in change.moves], [s.id for s in change.stays],
            change.kept) == ([s.id for s in slots[:1] + slots[3:]], [slots[1].id, slots[2].id],
                             [])
    assert calendar(cohort) == [
        ("Sat 11-28 19:30", 60, 1), ("Sun 12-06 20:00", 60, 1), ("Sun 12-13 20:00", 60, 2),
        ("Sat 12-19 19:30", 60, 1), ("Sat 12-26 19:30", 60, 1), ("Sat 01-02 19:30", 60, 1),
        ("Sat 01-09 19:30", 60, 1), ("Sat 01-16 19:30", 60, 1)]


def test_apply_weekly_rule_logs_each_move_once(cohort, slots):
    cohort = save_rule(cohort, **SATURDAY)

    apply_weekly_rule(cohort, actor=cohort.created_by, now=NOW)
    again = apply_weekly_rule(cohort, actor=cohort.created_by, now=NOW + timedelta(hours=1))

    moved = [e for e in cohort_log(cohort, page=1, per_page=500).entries
             if e.action == "slot_moved"]
    assert (len(again.moves), len(again.stays), len(moved)) == (0, 2, 6)
    assert {e.by.id for e in moved} == {cohort.created_by_id}


def test_plan_weekly_rule_previews_without_writing(cohort, slots):
    before = calendar(cohort)

    plan = plan_weekly_rule(cohort, {**SATURDAY, "sharing_minutes": 90}, now=NOW)

    assert (len(plan.moves), len(plan.stays)) == (6, 2)
    assert {(start.astimezone(ZoneInfo(cohort.timezone)).strftime("%a %H:%M"), minutes)
            for _slot, start, minutes in plan.moves} == {("Sat 19:30", 90)}
    assert calendar(cohort) == before


def test_apply_weekly_rule_length_only_keeps_the_starts(cohort, slots):
    cohort = save_rule(cohort, sharing_minutes=90)

    apply_weekly_rule(cohort, actor=cohort.created_by, now=NOW)

    assert [(when, minutes) for when, minutes, _seq in calendar(cohort)] == [
        ("Sun 11-29 20:00", 90), ("Sun 12-06 20:00", 60), ("Sun 12-13 20:00", 60),
        ("Sun 12-20 20:00", 90), ("Sun 12-27 20:00", 90), ("Sun 01-03 20:00", 90),
        ("Sun 01-10 20:00", 90), ("Sun 01-17 20:00", 90)]


def test_apply_weekly_rule_keeps_open_week_whose_new_time_is_taken(cohort, slots):
    zone = ZoneInfo(cohort.timezone)
    add_one_off_slot(cohort, datetime(2026, 12, 19, 19, 30, tzinfo=zone),
                     actor=cohort.created_by, now=NOW)
    cohort = save_rule(cohort, **SATURDAY)

    change = apply_weekly_rule(cohort, actor=cohort.created_by, now=NOW)

    assert ([s.id for s in change.kept], len(change.moves)) == ([slots[3].id], 5)
    assert ShareSlot.get_by_id(slots[3].id).starts_at == slots[3].starts_at


def test_apply_weekly_rule_leaves_this_weeks_passed_day(cohort, slots):
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # Friday 20:00 in Shanghai
    cohort = save_rule(cohort, sharing_weekday=3)  # Thursdays: this week's is gone

    change = apply_weekly_rule(cohort, actor=cohort.created_by, now=friday)

    assert ([s.id for s in change.kept], len(change.moves)) == ([slots[0].id], 5)
