"""Unit tests of the rhythm of cases (domain/schedule.py): pure functions of times, no database."""
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.cases.schedule import (
    Cadence,
    add_local_days,
    build_schedule,
    due_by_rule,
    local_days_between,
    next_wall_time,
    queue_warning,
    queued_times,
    runs_dry_at,
    window_state,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
CADENCE = Cadence(SHANGHAI, 3, 4, 5, 72, 12)  # the defaults (docs/rules.md "Cohort settings")


def sh(year, month, day, hour=20, minute=0):
    """A Shanghai wall-clock time as the UTC instant the database stores."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def ny(year, month, day, hour=20, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


def case(id, publish_at=None, *, fixed=False, due=None, position=0):
    """A stand-in for models.Case with only what the schedule reads."""
    return SimpleNamespace(id=id, publish_at=publish_at, publish_fixed=fixed,
                           due_at_fixed=due, queue_position=position)


# add_local_days


def test_add_local_days_crosses_end_of_january():
    assert add_local_days(sh(2026, 1, 30), 4, SHANGHAI) == sh(2026, 2, 3)


def test_add_local_days_crosses_end_of_february_in_leap_year():
    assert add_local_days(sh(2028, 2, 27), 4, SHANGHAI) == sh(2028, 3, 2)


def test_add_local_days_crosses_end_of_february_in_common_year():
    assert add_local_days(sh(2026, 2, 27), 4, SHANGHAI) == sh(2026, 3, 3)


def test_add_local_days_crosses_end_of_year():
    assert add_local_days(sh(2026, 12, 30), 4, SHANGHAI) == sh(2027, 1, 3)


def test_add_local_days_returns_utc():
    result = add_local_days(sh(2026, 12, 30), 4, SHANGHAI)

    assert (result.tzinfo, result) == (UTC, datetime(2027, 1, 3, 12, 0, tzinfo=UTC))


def test_add_local_days_without_daylight_saving_is_96_hours():
    start = sh(2026, 3, 6)  # New York changes its clocks that weekend; Shanghai does not

    result = add_local_days(start, 4, SHANGHAI)

    assert (result, result - start) == (sh(2026, 3, 10), timedelta(hours=96))


def test_add_local_days_across_spring_forward_keeps_wall_time():
    start = datetime(2026, 3, 6, 20, 0, tzinfo=NEW_YORK)  # EST, UTC-5

    result = add_local_days(start, 4, NEW_YORK)

    local = result.astimezone(NEW_YORK)
    assert (local.replace(tzinfo=None), local.utcoffset()) == (
        datetime(2026, 3, 10, 20, 0), timedelta(hours=-4))
    assert result == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    assert result - start == timedelta(hours=95)


def test_add_local_days_across_fall_back_keeps_wall_time():
    start = datetime(2026, 10, 31, 20, 0, tzinfo=NEW_YORK)  # EDT, UTC-4

    result = add_local_days(start, 4, NEW_YORK)

    local = result.astimezone(NEW_YORK)
    assert (local.replace(tzinfo=None), local.utcoffset()) == (
        datetime(2026, 11, 4, 20, 0), timedelta(hours=-5))
    assert result == datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
    assert result - start == timedelta(hours=97)


# local_days_between


def test_local_days_between_across_spring_forward_counts_wall_days():
    assert local_days_between(ny(2026, 3, 6), ny(2026, 3, 10), NEW_YORK) == 4.0


def test_local_days_between_across_fall_back_counts_wall_days():
    assert local_days_between(ny(2026, 10, 31), ny(2026, 11, 4), NEW_YORK) == 4.0


def test_local_days_between_counts_half_days():
    assert local_days_between(sh(2026, 1, 30), sh(2026, 2, 3, 8), SHANGHAI) == 3.5


# next_wall_time


def test_next_wall_time_later_the_same_day():
    assert next_wall_time(sh(2026, 11, 22, 10), time(20, 0), SHANGHAI) == sh(2026, 11, 22)


def test_next_wall_time_at_that_time_is_the_next_day():
    assert next_wall_time(sh(2026, 11, 22, 20), time(20, 0), SHANGHAI) == sh(2026, 11, 23)


def test_next_wall_time_after_that_time_is_the_next_day():
    assert next_wall_time(sh(2026, 11, 22, 21), time(20, 0), SHANGHAI) == sh(2026, 11, 23)


def test_next_wall_time_across_spring_forward_keeps_wall_time():
    result = next_wall_time(ny(2026, 3, 7, 21), time(20, 0), NEW_YORK)

    assert result == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)  # 2026-03-08 20:00 EDT


# queued_times


def test_queued_times_follow_target_in_queue_position_order():
    cases = [case(1, sh(2026, 12, 1), fixed=True), case(2, position=2), case(3, position=1)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2))

    assert times == {3: sh(2026, 12, 5), 2: sh(2026, 12, 9)}


def test_queued_times_count_from_fixed_case_in_between():
    cases = [case(1, sh(2026, 12, 1), fixed=True), case(2, sh(2026, 12, 4), fixed=True),
             case(3, position=1), case(4, position=2)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2))

    assert times == {3: sh(2026, 12, 8), 4: sh(2026, 12, 12)}


def test_queued_times_count_from_fixed_case_after_first_queued():
    cases = [case(1, sh(2026, 12, 1), fixed=True), case(2, sh(2026, 12, 8), fixed=True),
             case(3, position=1), case(4, position=2)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2))

    assert times == {3: sh(2026, 12, 5), 4: sh(2026, 12, 12)}


def test_queued_times_freeze_queued_cases_already_out():
    cases = [case(1, sh(2026, 12, 1), position=1), case(2, sh(2026, 12, 5), position=2)]
    faster = Cadence(SHANGHAI, 2, 3, 5, 72, 12)

    times = queued_times(cases, faster, now=sh(2026, 12, 2))

    assert times == {2: sh(2026, 12, 4)}


def test_queued_times_freeze_queued_case_going_out_now():
    cases = [case(1, sh(2026, 12, 1), position=1), case(2, sh(2026, 12, 5), position=2)]
    faster = Cadence(SHANGHAI, 2, 3, 5, 72, 12)

    times = queued_times(cases, faster, now=sh(2026, 12, 5))

    assert times == {}


def test_queued_times_after_queue_ran_dry_use_previous_wall_time():
    cases = [case(1, sh(2026, 11, 1, 19, 30), fixed=True), case(2, position=1),
             case(3, position=2)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2, 21))

    assert times == {2: sh(2026, 12, 3, 19, 30), 3: sh(2026, 12, 7, 19, 30)}


def test_queued_times_after_queue_ran_dry_later_that_day():
    cases = [case(1, sh(2026, 11, 1, 19, 30), fixed=True), case(2, position=1)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2, 9))

    assert times == {2: sh(2026, 12, 2, 19, 30)}


def test_queued_times_after_queue_ran_dry_across_fall_back_keep_wall_time():
    cases = [case(1, ny(2026, 10, 20), fixed=True), case(2, position=1)]
    cadence = Cadence(NEW_YORK, 3, 4, 5, 72, 12)

    times = queued_times(cases, cadence, now=ny(2026, 11, 10, 12))

    assert times == {2: datetime(2026, 11, 11, 1, 0, tzinfo=UTC)}  # 20:00 EST


def test_queued_times_first_case_at_first_evening_12_hours_ahead():
    cases = [case(1, position=1), case(2, position=2)]

    times = queued_times(cases, CADENCE, now=sh(2026, 11, 22, 20))

    assert times == {1: sh(2026, 11, 23), 2: sh(2026, 11, 27)}


def test_queued_times_first_case_same_evening_when_13_hours_ahead():
    times = queued_times([case(1, position=1)], CADENCE, now=sh(2026, 11, 22, 7))

    assert times == {1: sh(2026, 11, 22)}


def test_queued_times_first_case_same_evening_when_exactly_12_hours_ahead():
    times = queued_times([case(1, position=1)], CADENCE, now=sh(2026, 11, 22, 8))

    assert times == {1: sh(2026, 11, 22)}


def test_queued_times_first_case_next_evening_when_under_12_hours_ahead():
    times = queued_times([case(1, position=1)], CADENCE, now=sh(2026, 11, 22, 8, 1))

    assert times == {1: sh(2026, 11, 23)}


def test_queued_times_first_case_counts_from_earlier_fixed_case():
    cases = [case(1, sh(2026, 11, 23), fixed=True), case(2, position=1)]

    times = queued_times(cases, CADENCE, now=sh(2026, 11, 22, 20))

    assert times == {2: sh(2026, 11, 27)}


def test_queued_times_equal_positions_go_by_id():
    cases = [case(5, position=1), case(4, position=1), case(1, sh(2026, 12, 1), fixed=True)]

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2))

    assert times == {4: sh(2026, 12, 5), 5: sh(2026, 12, 9)}


# build_schedule


def _summary(slots):
    return [(s.case.id, s.publish_at, s.due_at, s.grace_until, s.gap_days, s.warnings)
            for s in slots]


def test_build_schedule_due_after_due_hours_and_grace_after_due():
    cases = [case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 5))]

    slots = build_schedule(cases, CADENCE)

    assert _summary(slots) == [
        (1, sh(2026, 12, 1), sh(2026, 12, 4), sh(2026, 12, 5, 8), None, []),
        (2, sh(2026, 12, 5), sh(2026, 12, 8), sh(2026, 12, 9, 8), 4.0, []),
    ]


def test_build_schedule_next_publication_never_cuts_the_window():
    cases = [case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 3), fixed=True)]

    slots = build_schedule(cases, CADENCE)

    assert (slots[0].due_at, slots[0].grace_until) == (sh(2026, 12, 4), sh(2026, 12, 5, 8))


def test_build_schedule_explicit_due_wins():
    cases = [case(1, sh(2026, 12, 1), due=sh(2026, 12, 6)), case(2, sh(2026, 12, 5))]

    slots = build_schedule(cases, CADENCE)

    assert (slots[0].due_at, slots[0].grace_until) == (sh(2026, 12, 6), sh(2026, 12, 7, 8))


def test_build_schedule_orders_by_publication_and_skips_undated():
    cases = [case(3, sh(2026, 12, 9)), case(2), case(1, sh(2026, 12, 1))]

    slots = build_schedule(cases, CADENCE)

    assert [(s.case.id, s.publish_at) for s in slots] == [(1, sh(2026, 12, 1)),
                                                          (3, sh(2026, 12, 9))]


def test_build_schedule_warns_too_soon_with_gap():
    cases = [case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 3, 8), fixed=True)]

    slots = build_schedule(cases, CADENCE)

    assert (slots[1].gap_days, slots[1].warnings) == (1.5, [("too_soon", 1.5)])


def test_build_schedule_warns_too_late_with_gap():
    cases = [case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 7), fixed=True)]

    slots = build_schedule(cases, CADENCE)

    assert (slots[1].gap_days, slots[1].warnings) == (6.0, [("too_late", 6.0)])


def test_build_schedule_gaps_of_min_and_max_are_fine():
    cases = [case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 4)), case(3, sh(2026, 12, 9))]

    slots = build_schedule(cases, CADENCE)

    assert [(s.gap_days, s.warnings) for s in slots] == [(None, []), (3.0, []), (5.0, [])]


def test_build_schedule_gap_across_daylight_saving_in_local_days():
    cadence = Cadence(NEW_YORK, 3, 4, 5, 72, 12)
    cases = [case(1, ny(2026, 3, 6)), case(2, ny(2026, 3, 10))]

    slots = build_schedule(cases, cadence)

    assert (slots[1].gap_days, slots[1].warnings) == (4.0, [])


def test_build_schedule_empty_without_dated_cases():
    assert build_schedule([case(1), case(2)], CADENCE) == []


# runs_dry_at and queue_warning


def test_runs_dry_at_is_last_publication_plus_max_days():
    slots = build_schedule([case(1, sh(2026, 12, 1)), case(2, sh(2026, 12, 5))], CADENCE)

    assert runs_dry_at(slots, CADENCE) == sh(2026, 12, 10)


def test_runs_dry_at_across_spring_forward_keeps_wall_time():
    cadence = Cadence(NEW_YORK, 3, 4, 5, 72, 12)
    slots = build_schedule([case(1, ny(2026, 3, 6))], cadence)

    assert runs_dry_at(slots, cadence) == ny(2026, 3, 11)


def test_runs_dry_at_without_slots_is_none():
    assert runs_dry_at([], CADENCE) is None


def test_queue_warning_none_when_runway_is_two_max_gaps():
    slots = build_schedule([case(1, sh(2026, 12, 1))], CADENCE)  # dry at 12-06 20:00

    assert queue_warning(slots, CADENCE, now=sh(2026, 11, 26)) is None


def test_queue_warning_dry_time_when_runway_is_shorter():
    slots = build_schedule([case(1, sh(2026, 12, 1))], CADENCE)

    assert queue_warning(slots, CADENCE, now=sh(2026, 11, 26, 20, 1)) == sh(2026, 12, 6)


def test_queue_warning_dry_time_when_already_dry():
    slots = build_schedule([case(1, sh(2026, 12, 1))], CADENCE)

    assert queue_warning(slots, CADENCE, now=sh(2026, 12, 20)) == sh(2026, 12, 6)


def test_queue_warning_none_when_runway_is_long():
    slots = build_schedule([case(n, sh(2026, 12, 1) + timedelta(days=4 * n)) for n in range(5)],
                           CADENCE)  # last one goes out 12-17, dry at 12-22

    assert queue_warning(slots, CADENCE, now=sh(2026, 12, 2)) is None


def test_queue_warning_none_without_slots():
    assert queue_warning([], CADENCE, now=sh(2026, 12, 2)) is None


# window_state: a case out 12-01 20:00, due 12-04 20:00, grace until 12-05 08:00 (Shanghai)

SLOT = build_schedule([case(1, sh(2026, 12, 1))], CADENCE)[0]
BEFORE_PUBLISH = sh(2026, 12, 1, 19, 59)
AT_PUBLISH = sh(2026, 12, 1)
OPEN = sh(2026, 12, 3)
AT_DUE = sh(2026, 12, 4)
IN_GRACE = sh(2026, 12, 5, 2)
AT_GRACE_END = sh(2026, 12, 5, 8)
AFTER_GRACE = sh(2026, 12, 6)


@pytest.mark.parametrize(("now", "state"), [
    pytest.param(BEFORE_PUBLISH, "scheduled", id="before_publish"),
    pytest.param(AT_PUBLISH, "open", id="at_publish"),
    pytest.param(OPEN, "open", id="open"),
    pytest.param(AT_DUE, "grace", id="at_due"),
    pytest.param(IN_GRACE, "grace", id="in_grace"),
    pytest.param(AT_GRACE_END, "closed", id="at_grace_end"),
    pytest.param(AFTER_GRACE, "closed", id="after_grace"),
])
def test_window_state_by_phase(now, state):
    assert window_state(SLOT, now) == state


def test_window_state_slot_times_are_the_phase_boundaries():
    assert (SLOT.publish_at, SLOT.due_at, SLOT.grace_until) == (AT_PUBLISH, AT_DUE, AT_GRACE_END)


# Issue 13: pinned cases, windows never cut, due times by local days and never moved earlier

def test_queued_times_move_after_pinned_case_closer_than_minimum():
    cases = [case(1, sh(2026, 12, 1), fixed=True), case(2, sh(2026, 12, 7), fixed=True),
             case(3, position=1), case(4, position=2)]
    behind = {}

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2), behind=behind)

    assert (times, behind) == ({3: sh(2026, 12, 11), 4: sh(2026, 12, 15)},
                               {3: sh(2026, 12, 7)})


def test_queued_times_pinned_case_exactly_minimum_later_keeps_queued_case_first():
    cases = [case(1, sh(2026, 12, 1), fixed=True), case(2, sh(2026, 12, 8), fixed=True),
             case(3, position=1)]
    behind = {}

    times = queued_times(cases, CADENCE, now=sh(2026, 12, 2), behind=behind)

    assert (times, behind) == ({3: sh(2026, 12, 5)}, {})


def test_queued_times_simulated_cohort_never_squeezes_pinned_case():
    # 08 out on Mar 28, 09 pinned five days later (Apr 2), 10 queued: 10 goes after 09
    cases = [case(8, sh(2027, 3, 28), fixed=True), case(9, sh(2027, 4, 2), fixed=True),
             case(10, position=10)]

    times = queued_times(cases, CADENCE, now=sh(2027, 3, 29))

    assert times == {10: sh(2027, 4, 6)}


def test_due_by_rule_across_spring_forward_keeps_wall_time():
    cadence = Cadence(NEW_YORK, 3, 4, 5, 72, 12)

    # Saturday 20:00 EST -> Tuesday 20:00 EDT: 71 h of absolute time
    assert due_by_rule(ny(2027, 3, 13), cadence) == ny(2027, 3, 16)


def test_due_by_rule_keeps_hours_when_not_whole_days():
    cadence = Cadence(NEW_YORK, 3, 4, 5, 36, 12)

    assert due_by_rule(ny(2027, 3, 13), cadence) == ny(2027, 3, 13) + timedelta(hours=36)


def test_build_schedule_across_spring_forward_due_at_same_wall_time():
    cadence = Cadence(NEW_YORK, 3, 4, 5, 72, 12)

    slots = build_schedule([case(1, ny(2027, 3, 13))], cadence)

    assert (slots[0].due_at, slots[0].grace_until) == (ny(2027, 3, 16), ny(2027, 3, 17, 8))


def shown(id, publish_at, due_shown_at, *, due=None):
    return SimpleNamespace(id=id, publish_at=publish_at, publish_fixed=True, due_at_fixed=due,
                           queue_position=0, due_shown_at=due_shown_at)


def test_build_schedule_due_never_earlier_than_shown():
    # shown due 12-07 22:47; the rule (e.g. fewer due hours) would now say 12-04 20:00
    cases = [shown(1, sh(2026, 12, 1), sh(2026, 12, 7, 22, 47)),
             case(2, sh(2026, 12, 4, 23, 12), fixed=True)]

    slots = build_schedule(cases, CADENCE)

    assert slots[0].due_at == sh(2026, 12, 7, 22, 47)


def test_build_schedule_shown_due_gives_way_to_later_rule():
    slots = build_schedule([shown(1, sh(2026, 12, 1), sh(2026, 12, 3))], CADENCE)

    assert slots[0].due_at == sh(2026, 12, 4)


def test_build_schedule_explicit_earlier_due_wins_over_shown():
    cases = [shown(1, sh(2026, 12, 1), sh(2026, 12, 4), due=sh(2026, 12, 3))]

    slots = build_schedule(cases, CADENCE)

    assert slots[0].due_at == sh(2026, 12, 3)
