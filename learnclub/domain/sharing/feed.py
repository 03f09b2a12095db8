"""The sharing calendar as an ICS feed (RFC 5545, built with icalendar): one VEVENT per
session with the slot's stable UID and SEQUENCE, cancelled weeks kept as STATUS:CANCELLED,
times with the cohort's TZID and its VTIMEZONE, an optional alarm."""
import hashlib
from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event

from learnclub.domain.errors import untranslated
from learnclub.domain.sharing.calendar import feed_weeks

#: STATUS by the week's state: a guest who has not confirmed yet is still tentative
STATUS = {"open": "TENTATIVE", "accepted": "TENTATIVE", "confirmed": "CONFIRMED",
          "held": "CONFIRMED", "cancelled": "CANCELLED"}
MAX_ALARM_MINUTES = 7 * 24 * 60


def _summary(week, tr):
    if week.talk is None:
        return "嘉宾分享 · " + tr("open – looking for a guest")
    return f"嘉宾分享 · {week.talk.topic} · {week.talk.guest.display_name}"


def _description(week, link, tr):
    lines = []
    if week.talk is not None:
        talk = week.talk
        lines += [talk.topic, talk.guest.display_name
                  + (f" · {talk.title_snapshot}" if talk.title_snapshot else ""), ""]
    return "\n".join([*lines, link])


def _event(week, *, cohort, now, link, alarm_minutes, tr):
    event = Event()
    event.add("uid", week.slot.uid)
    event.add("dtstamp", now)
    event.add("last-modified", week.slot.updated_at)
    event.add("dtstart", week.local_start)
    event.add("dtend", week.local_end)
    event.add("sequence", week.slot.sequence)
    event.add("status", STATUS[week.state])
    event.add("summary", _summary(week, tr))
    event.add("description", _description(week, link, tr))
    event.add("url", link)
    if alarm_minutes and week.state != "cancelled":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        alarm.add("description", _summary(week, tr))
        event.add_component(alarm)
    return event


def build_feed(cohort, *, now, link, alarm_minutes=None, tr=untranslated):
    """The cohort's ICS feed as bytes (UTF-8). `alarm_minutes` (1 … one week) adds a VALARM
    that many minutes before each session that is not cancelled."""
    if alarm_minutes is not None and not 0 < alarm_minutes <= MAX_ALARM_MINUTES:
        alarm_minutes = None
    calendar = Calendar()
    calendar.add("prodid", "-//learnclub//sharing calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{cohort.name} · 嘉宾分享")
    calendar.add("x-wr-timezone", cohort.timezone)
    weeks = feed_weeks(cohort, now=now)
    for week in weeks:
        calendar.add_component(_event(week, cohort=cohort, now=now, link=link,
                                      alarm_minutes=alarm_minutes, tr=tr))
    # the VTIMEZONE covers the feed's years only: small, and read right by parsers (dateutil's
    # tzical) that misread icalendar's default 1970–2038 list of transitions
    first = weeks[0].local_start.year if weeks else now.year
    last = weeks[-1].local_start.year if weeks else now.year
    calendar.add_missing_timezones(first_date=date(first - 1, 1, 1),
                                   last_date=date(last + 2, 1, 1))
    return calendar.to_ical()


def feed_etag(body):
    """The feed's entity tag: the sha256 (first 32 hex digits) of its bytes without the
    DTSTAMP lines, which say when it was made, not what it says. The same feed gives the same
    tag on every box and at every moment, so a calendar app that has it gets a 304."""
    kept = b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP:"))
    return hashlib.sha256(kept).hexdigest()[:32]
