"""The ICS feed read back by two independent parsers (icalendar, which wrote it, and vobject):
every event has its UID, DTSTAMP and a zone-aware DTSTART at the right instant, also across
New York's change back from daylight saving time; the VTIMEZONE is there; Chinese survives."""
from datetime import UTC, datetime, timedelta

import pytest
import vobject
from icalendar import Calendar

from learnclub.domain.sharing.feed import build_feed
from learnclub.domain.sharing.talks import (
    accept_talk,
    cancel_slot,
    confirm_talk,
    generate_slots,
    propose_talk,
)
from learnclub.models import ShareSlot
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
#: Sundays 20:00 in New York: EDT (UTC-4) before 1 November 2026, EST (UTC-5) from then
EXPECTED_UTC = [datetime(2026, 10, 26, 0, 0, tzinfo=UTC), datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
                datetime(2026, 11, 9, 1, 0, tzinfo=UTC), datetime(2026, 11, 16, 1, 0, tzinfo=UTC)]
LINK = "https://learn.example.org/c/ny/calendar"


@pytest.fixture
def feed(app):
    """The feed of a New York cohort: a confirmed Chinese talk, an open week, a cancelled one."""
    cohort = make_cohort(slug="ny", name="纽约学习社群", timezone="America/New_York",
                         sharing_weeks_ahead=4)
    slots = generate_slots(cohort, now=NOW)
    guest = make_member(cohort, make_user(display_name="李雷"), role="guest")
    talk = propose_talk(cohort, guest, topic="社群新零售：从一个群到一张网", abstract="摘要",
                        preferred_slots=[slots[1]], now=NOW)
    accept_talk(talk, slots[1], actor=cohort.created_by, now=NOW)
    confirm_talk(talk, guest=guest, now=NOW)
    cancel_slot(slots[3], actor=cohort.created_by, now=NOW)
    body = build_feed(cohort, now=NOW, link=LINK, alarm_minutes=30)
    return body, {s.uid: ShareSlot.get_by_id(s.id) for s in slots}


def test_feed_read_by_icalendar(feed):
    body, slots = feed

    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert sorted(str(e["UID"]) for e in events) == sorted(slots)
    for event in events:
        start = event["DTSTART"]
        assert start.params["TZID"] == "America/New_York"
        assert start.dt.tzinfo is not None
        assert event["DTSTAMP"].dt == NOW
        assert int(event["SEQUENCE"]) == slots[str(event["UID"])].sequence
    assert [e["DTSTART"].dt.astimezone(UTC) for e in events] == EXPECTED_UTC
    assert [str(e["STATUS"]) for e in events] == ["TENTATIVE", "CONFIRMED", "TENTATIVE",
                                                  "CANCELLED"]
    assert str(events[1]["SUMMARY"]) == "嘉宾分享 · 社群新零售：从一个群到一张网 · 李雷"
    assert str(calendar["X-WR-CALNAME"]) == "纽约学习社群 · 嘉宾分享"


def test_feed_read_by_vobject(feed):
    body, slots = feed

    calendar = vobject.readOne(body.decode("utf-8"))
    events = calendar.vevent_list

    assert [tz.tzid.value for tz in calendar.vtimezone_list] == ["America/New_York"]
    assert sorted(e.uid.value for e in events) == sorted(slots)
    for event in events:
        assert event.dtstamp.value == NOW
        assert event.dtstart.value.tzinfo is not None
        assert event.dtend.value - event.dtstart.value == timedelta(minutes=60)
        assert int(event.sequence.value) == slots[event.uid.value].sequence
    assert [e.dtstart.value.astimezone(UTC) for e in events] == EXPECTED_UTC
    assert [e.dtstart.value.utcoffset() for e in events] == [
        timedelta(hours=-4), timedelta(hours=-5), timedelta(hours=-5), timedelta(hours=-5)]
    assert events[1].summary.value == "嘉宾分享 · 社群新零售：从一个群到一张网 · 李雷"
    assert events[3].status.value == "CANCELLED"


def test_feed_sequence_and_uid_follow_changes(feed):
    _body, slots = feed

    # cancelled (1); accepted and confirmed (2)
    assert sorted(s.sequence for s in slots.values()) == [0, 0, 1, 2]


def test_feed_alarm_only_on_sessions_not_cancelled(feed):
    body, _slots = feed

    events = Calendar.from_ical(body).walk("VEVENT")

    assert [len(e.walk("VALARM")) for e in events] == [1, 1, 1, 0]
