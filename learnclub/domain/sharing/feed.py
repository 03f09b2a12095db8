"""The sharing calendar as an ICS feed (RFC 5545, built with icalendar): one VEVENT per
session with the slot's stable UID and SEQUENCE, cancelled weeks kept as STATUS:CANCELLED,
times with the cohort's TZID and its VTIMEZONE, an optional alarm; and its validators for
conditional GETs: an ETag from its content, a Last-Modified from the rows it is built from."""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event
from peewee import fn

from learnclub.domain.cohorts.activity import Action
from learnclub.domain.errors import untranslated
from learnclub.domain.sharing.calendar import FEED_HISTORY, feed_weeks
from learnclub.models import CohortEvent, ShareSlot, Talk

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


@dataclass(frozen=True)
class Feed:
    body: bytes  #: the ICS text, UTF-8
    etag: str  #: `feed_etag(body)`
    last_modified: datetime  #: `feed_last_modified`: when what it says last changed


def make_feed(cohort, *, now, link, alarm_minutes=None, tr=untranslated):
    """The feed with its validators (`Feed`), its weeks read once."""
    weeks = feed_weeks(cohort, now=now)
    body = build_feed(cohort, now=now, link=link, alarm_minutes=alarm_minutes, tr=tr,
                      weeks=weeks)
    return Feed(body, feed_etag(body), feed_last_modified(cohort, weeks, now=now))


def build_feed(cohort, *, now, link, alarm_minutes=None, tr=untranslated, weeks=None):
    """The cohort's ICS feed as bytes (UTF-8). `alarm_minutes` (1 … one week) adds a VALARM
    that many minutes before each session that is not cancelled; `weeks`: the
    `feed_weeks(cohort, now=now)` when the caller has them already."""
    if alarm_minutes is not None and not 0 < alarm_minutes <= MAX_ALARM_MINUTES:
        alarm_minutes = None
    calendar = Calendar()
    calendar.add("prodid", "-//learnclub//sharing calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{cohort.name} · 嘉宾分享")
    calendar.add("x-wr-timezone", cohort.timezone)
    weeks = feed_weeks(cohort, now=now) if weeks is None else weeks
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


def feed_last_modified(cohort, weeks, *, now):
    """When the feed's content last changed, from the rows it is built from (three queries,
    whatever the number of weeks). The latest of: each session's `updated_at` (every change
    of a slot, a move or a cancellation, sets it with its SEQUENCE); the `updated_at` of
    every talk on those sessions, whatever its state now (a talk withdrawn or cancelled left
    the feed when it changed); the last change of the cohort's settings (its name and time
    zone are in the feed; they are logged with their time, the cohort row keeps none); and
    the moment the last session to leave the feed's window left it (its start +
    FEED_HISTORY). Nothing else in it moves with time: DTSTAMP is left out as in the ETag,
    and the VTIMEZONE spans the sessions' years (a feed without sessions has none).

    Not dated: a guest renaming herself (accounts keep no change time) and a new release
    wording the feed otherwise. The ETag catches those: a client that has it sends
    If-None-Match, and then If-Modified-Since is not looked at (RFC 9110 13.2.2)."""
    times = [cohort.created_at, *(week.slot.updated_at for week in weeks)]
    if weeks:
        times.append(Talk.select(fn.MAX(Talk.updated_at)).where(
            Talk.slot.in_([week.slot.id for week in weeks])).scalar())
    left = ShareSlot.select(fn.MAX(ShareSlot.starts_at)).where(
        (ShareSlot.cohort == cohort) & (ShareSlot.starts_at <= now - FEED_HISTORY)).scalar()
    if left is not None:
        times.append(left + FEED_HISTORY)
    times.append(CohortEvent.select(fn.MAX(CohortEvent.at)).where(
        (CohortEvent.cohort == cohort)
        & (CohortEvent.action == Action.SETTINGS_CHANGED)).scalar())
    return min(max(t for t in times if t is not None), now)
