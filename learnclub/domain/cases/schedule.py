"""The rhythm of cases (docs/rules.md "Cases from Markdown"), as pure functions of times.

A queued case (no publish_at of its own) goes out at the previous publication plus the target
cadence, at the same local wall-clock time, so 20:00 stays 20:00 across daylight saving. Once
its time has come it is frozen: later edits to the queue or the cadence never move a case
that members may already have read.
"""
import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_PUBLISH_TIME = time(20, 0)  #: the first case of a cohort goes out at 20:00 local


# The two below are pure functions of their arguments, asked for every case of a cohort on
# every page with a pager or a schedule: each answer is kept (a few thousand, ~200 B each).
@functools.lru_cache(maxsize=8192)
def add_local_days(instant, days, zone):
    """`instant` plus whole days on the local wall clock of `zone` (DST-safe)."""
    local = instant.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(UTC)


@functools.lru_cache(maxsize=8192)
def local_days_between(earlier, later, zone):
    """Days between two instants as the local wall clock counts them (DST-safe)."""
    a = earlier.astimezone(zone).replace(tzinfo=None)
    b = later.astimezone(zone).replace(tzinfo=None)
    return (b - a).total_seconds() / 86400


def next_wall_time(after, wall, zone):
    """The first instant strictly after `after` whose local time is `wall`."""
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), wall, tzinfo=zone)
    while candidate.astimezone(UTC) <= after:
        candidate = datetime.combine(candidate.date() + timedelta(days=1), wall, tzinfo=zone)
    return candidate.astimezone(UTC)


def time_has_come(publish_at, now):
    """Whether a publication time has come at `now`: from then on the queue never moves the
    case again. Schedule arithmetic, not "may members read it" (that is Case.is_out, through
    domain.cases.queries, which also leaves archived cases out)."""
    return publish_at is not None and publish_at <= now


@dataclass
class Cadence:
    zone: ZoneInfo
    min_days: int
    target_days: int
    max_days: int
    due_hours: int
    grace_hours: int

    @classmethod
    def of(cls, cohort):
        return cls(ZoneInfo(cohort.timezone), cohort.cadence_min_days, cohort.cadence_target_days,
                   cohort.cadence_max_days, cohort.homework_due_hours,
                   cohort.homework_grace_hours)


@dataclass
class Slot:
    """One case on the calendar: when it goes out, when homework is due, what to warn about."""

    case: object
    publish_at: datetime
    due_at: datetime
    grace_until: datetime
    gap_days: float | None = None  #: days since the previous publication
    warnings: list = field(default_factory=list)  #: ("too_soon"|"too_late", gap in days)


def queued_times(cases, cadence, *, now, behind=None):
    """Publication times for the queued cases not yet out, by the cadence. {case.id: time}.

    `cases` are the live cases; fixed ones (`publish_fixed`) and queued ones already out keep
    their times, and the rest are placed after them in `queue_position` order. A queued case
    never lands less than `min_days` before a fixed one: it goes after it instead, and
    `behind` (a dict, if given) gets {queued case id: the fixed publication it waited for}.
    """
    out = sorted(c.publish_at for c in cases if time_has_come(c.publish_at, now))
    fixed_ahead = sorted(c.publish_at for c in cases
                         if c.publish_fixed and c.publish_at is not None
                         and not time_has_come(c.publish_at, now))
    waiting = sorted((c for c in cases if not c.publish_fixed
                      and not time_has_come(c.publish_at, now)),
                     key=lambda c: (c.queue_position, c.id))
    prev = out[-1] if out else None
    times = {}
    for case in waiting:
        while True:
            candidate = _candidate(prev, cadence, now)
            if fixed_ahead and add_local_days(candidate, cadence.min_days, cadence.zone) \
                    > fixed_ahead[0]:  # a fixed case goes out first (or too close): after it
                if fixed_ahead[0] > candidate and behind is not None:
                    behind[case.id] = fixed_ahead[0]
                prev = fixed_ahead.pop(0)
                continue
            break
        times[case.id] = prev = candidate
    return times


def _candidate(prev, cadence, now):
    if prev is None:  # the first 20:00 at least 12 h away (next_wall_time is strictly after)
        earliest = now + timedelta(hours=12) - timedelta(microseconds=1)
        return next_wall_time(earliest, DEFAULT_PUBLISH_TIME, cadence.zone)
    candidate = add_local_days(prev, cadence.target_days, cadence.zone)
    if candidate <= now:  # the queue ran dry a while ago: the next free evening, same time
        wall = prev.astimezone(cadence.zone).time()
        candidate = next_wall_time(now, wall, cadence.zone)
    return candidate


def due_by_rule(publish_at, cadence):
    """Publication + `due_hours`: whole days on the local wall clock (DST-safe, like the
    cadence), other hours as absolute hours."""
    if cadence.due_hours % 24 == 0:
        return add_local_days(publish_at, cadence.due_hours // 24, cadence.zone)
    return publish_at + timedelta(hours=cadence.due_hours)


def due_of(case, cadence):
    """The due time in force: the host's explicit one, else by the rule; never earlier than
    the due time learners were shown when the case went out (`due_shown_at`). The next
    publication never cuts a window: only the host shortens one, by hand."""
    if case.due_at_fixed is not None:
        return case.due_at_fixed
    due = due_by_rule(case.publish_at, cadence)
    shown = getattr(case, "due_shown_at", None)
    return max(due, shown) if shown is not None else due


def build_schedule(cases, cadence):
    """Slots for cases that have a publication time, in order, with due times and warnings.

    Homework is due by `due_of`; grace runs `grace_hours` beyond that. A gap outside
    min..max days is a warning.
    """
    dated = sorted((c for c in cases if c.publish_at is not None),
                   key=lambda c: (c.publish_at, c.queue_position, c.id))
    slots = []
    for i, case in enumerate(dated):
        due = due_of(case, cadence)
        slot = Slot(case, case.publish_at, due, due + timedelta(hours=cadence.grace_hours))
        if i:
            slot.gap_days = local_days_between(dated[i - 1].publish_at, case.publish_at,
                                               cadence.zone)
            if slot.gap_days < cadence.min_days:
                slot.warnings.append(("too_soon", slot.gap_days))
            elif slot.gap_days > cadence.max_days:
                slot.warnings.append(("too_late", slot.gap_days))
        slots.append(slot)
    return slots


def runs_dry_at(slots, cadence):
    """When the next case would be overdue if none is added: last publication + max days."""
    if not slots:
        return None
    return add_local_days(slots[-1].publish_at, cadence.max_days, cadence.zone)


def queue_warning(slots, cadence, *, now):
    """The time the queue runs dry if that is less than two max gaps away, else None."""
    dry = runs_dry_at(slots, cadence)
    if dry is not None and dry - now < timedelta(days=2 * cadence.max_days):
        return dry
    return None


def window_state(slot, now):
    """Homework state of a case at `now`: scheduled, open, grace or closed."""
    if now < slot.publish_at:
        return "scheduled"
    if now < slot.due_at:
        return "open"
    if now < slot.grace_until:
        return "grace"
    return "closed"
