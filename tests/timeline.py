"""Time in tests: every test starts at an instant its fixture chooses and moves through
named phases; nothing in the suite depends on the day it runs.

The `clock` fixture (conftest.py, on for every test) puts the app's clock (`learnclub.clock`)
at START; the domain, jobs, the web, the API, the CLI runner and the live server of the
browser tests all read it. A test moves on with `clock.travel_to(instant)`,
`clock.advance(hours=...)` or `clock.to(case, "in_grace")`. The clock ticks on from where
it was put (so rows written one after another keep their order) unless a test freezes it
(`frozen=True`).
"""
from datetime import UTC, datetime, timedelta

from learnclub import clock as learnclub_time
from learnclub.domain.homework.submission import slot_of

#: Where every test starts unless it travels: a Wednesday, 10:00 in Shanghai, two and a half
#: weeks after the factories' T0 (2026-11-22 12:00 UTC), so factory-made cases are long closed.
START = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)

#: The phases of a case's homework window, as an instant relative to its slot.
PHASES = {
    "before_publication": lambda slot: slot.publish_at - timedelta(hours=1),
    "just_published": lambda slot: slot.publish_at + timedelta(minutes=5),
    "open": lambda slot: slot.publish_at + (slot.due_at - slot.publish_at) / 2,
    "before_due": lambda slot: slot.due_at - timedelta(hours=1),
    "in_grace": lambda slot: slot.due_at + (slot.grace_until - slot.due_at) / 2,
    "after_close": lambda slot: slot.grace_until + timedelta(hours=1),
}


def now():
    """The instant the app's clock shows in this test (START, or where the test moved it)."""
    return learnclub_time.now()


def phase(case, name):
    """The instant of the named phase of `case`'s homework window (see PHASES)."""
    slot = slot_of(case)
    if slot is None:
        raise ValueError(f"case {case.id} has no place on the calendar")
    return PHASES[name](slot)


class Clock:
    """The test's handle on `learnclub.clock`."""

    def __init__(self, start=START):
        self.travel_to(start)

    @staticmethod
    def now():
        return learnclub_time.now()

    @staticmethod
    def travel_to(instant, *, frozen=False):
        """Put the app's clock at `instant` (aware); returns it."""
        learnclub_time.travel_to(instant, frozen=frozen)
        return instant

    def advance(self, **delta):
        """Move the clock forward by a timedelta's keyword arguments; returns the new now."""
        return self.travel_to(self.now() + timedelta(**delta))

    def to(self, case, name, *, frozen=False):
        """Move the clock to the named phase of `case` (see PHASES); returns that instant."""
        return self.travel_to(phase(case, name), frozen=frozen)

    @staticmethod
    def release():
        learnclub_time.come_back()

