"""Posts into chat groups, queued in the outbox once per robot and event (see
reach/chat_hooks.py), each in its robot's format (outbound/chat_formats.py). Each goes only
to the robots that picked its event, and only at the moment of the event or within its
window: a robot added later never gets old news. At most POSTS_PER_MINUTE go to one robot in
any minute; the rest wait in the queue (see `due_posts`).
"""
import hashlib
from datetime import datetime, time, timedelta
from functools import cache, partial
from zoneinfo import ZoneInfo

from peewee import fn

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.participation.missing_list import still_to_write
from learnclub.domain.reach import chat_mentions, chat_messages, outbox
from learnclub.domain.reach.outbox import enqueue_post
from learnclub.domain.reach.queries import hooks_of
from learnclub.domain.sharing.reminders import MEMBERS_FROM
from learnclub.models import (
    Case,
    ChatHook,
    Cohort,
    Membership,
    OutboxMessage,
    ShareSlot,
    Talk,
    User,
)
from learnclub.models.cohorts import MembershipStatus
from learnclub.outbound import chat_formats

DUE_SOON_DEFAULT_HOURS = 24  #: "due soon" for a cohort without reminder offsets
#: posts to one robot in any rolling minute: WeCom and DingTalk take 20 a minute (DingTalk
#: then blocks the robot for 10 minutes), Feishu more
POSTS_PER_MINUTE = 20


def _post(cohort, event, key, build, *, now):
    """Queue the message `build(mention)` makes for every robot of the cohort that picked the
    event, under `key` (formatted with the hook); `mention(user)` is how that robot
    @-mentions a member (chat_mentions). Built once per way of mentioning, rendered once per
    platform and way. Returns how many posts were queued."""
    hooks = [h for h in hooks_of(cohort) if event in h.event_list]
    if not hooks:
        return 0
    messages, bodies = {}, {}
    for hook in hooks:
        pings_by = chat_mentions.pings_by(hook)
        if pings_by not in messages:
            messages[pings_by] = build(partial(chat_mentions.mention, hook=hook))
        message = messages[pings_by]
        if (hook.kind, pings_by) not in bodies:
            bodies[hook.kind, pings_by] = chat_formats.render(hook.kind, message)
        enqueue_post(key.format(hook=hook.id), hook=hook, event=event, subject=message.title,
                     body=bodies[hook.kind, pings_by], now=now)
    return len(hooks)


def post_case_published(case, *, slot, now, base_url):
    """Queue "new case" posts when the case is announced. Returns how many were queued."""
    return _post(case.cohort, "case_published", f"post:hook:{{hook}}:case:{case.id}:published",
                 lambda _mention: chat_messages.case_published(case, slot, base_url=base_url),
                 now=now)


def post_homework_due(case, *, slot, now, base_url):
    """Queue "due soon" posts naming who has not written yet, each mentioned as its robot
    does (chat_mentions). Returns how many were queued."""
    missing = cache(lambda: [m.user for m in still_to_write(case.cohort, slot)])  # one query
    return _post(case.cohort, "homework_due", f"post:hook:{{hook}}:case:{case.id}:due-soon",
                 lambda mention: chat_messages.homework_due(
                     case, slot, missing(), base_url=base_url, mention=mention), now=now)


def post_removals(cohort, removed, *, now, base_url):
    """Queue one summary of the memberships a sweep just ended. Returns how many were queued."""
    if not removed:
        return 0
    ids = ",".join(str(m.id) for m in sorted(removed, key=lambda m: m.id))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    key = f"post:hook:{{hook}}:removals:{now:%Y%m%dT%H%M%S}:{digest}"
    return _post(cohort, "removals", key, lambda _mention: chat_messages.removals(
        cohort, [m.user for m in removed], base_url=base_url), now=now)


def post_guest_week(talk, *, which, now, base_url):
    """Queue this week's guest ("eve": the day before, "day": on the day), once per talk,
    week and moment. Returns how many were queued."""
    key = f"post:hook:{{hook}}:talk:{talk.id}:{which}:{talk.slot.starts_at:%Y%m%dT%H%M}"
    return _post(talk.cohort, "guest_week", key,
                 lambda _mention: chat_messages.guest_week(talk, which, base_url=base_url), now=now)


def post_archive_entry(talk, *, now, base_url):
    """Queue "session N is in the archive" when the talk takes its number. Returns count."""
    key = f"post:hook:{{hook}}:talk:{talk.id}:archive:{talk.number}"
    return _post(talk.cohort, "archive_entry", key,
                 lambda _mention: chat_messages.archive_entry(talk, base_url=base_url), now=now)


def post_announcement(announcement, *, now, base_url):
    """Queue a staff announcement once per robot that picked "announcement". Returns count."""
    key = f"post:hook:{{hook}}:announcement:{announcement.id}"
    return _post(announcement.cohort, "announcement", key,
                 lambda _mention: chat_messages.announcement(announcement, base_url=base_url),
                 now=now)


def post_member_introduced(user, tags, *, now, base_url):
    """Queue the welcome post with the member's introduction and tags (`tags`:
    introductions.Tags) for each cohort they are active in whose robots chose it, once per
    member and robot. Returns how many were queued."""
    cohorts = Cohort.select().where(_with_hooks("member_introduced") & Cohort.id.in_(
        Membership.select(Membership.cohort).where(
            (Membership.user == user.id) & (Membership.status == MembershipStatus.ACTIVE))))
    queued = 0
    for cohort in cohorts:
        build = partial(chat_messages.member_introduced, cohort, user, tags, base_url=base_url)
        queued += _post(cohort, "member_introduced",
                        f"post:hook:{{hook}}:introduced:member:{user.id}",
                        lambda mention, build=build: build(mention=mention), now=now)
    return queued


def _with_hooks(event):
    """Cohorts with at least one robot; the event is checked per hook in _post."""
    return Cohort.id.in_(ChatHook.select(ChatHook.cohort).where(ChatHook.events.contains(event)))


def post_due_soon(*, now, base_url):
    """Queue "due soon" for every open case whose window has come: from the cohort's largest
    reminder offset before due until due. Returns how many posts were queued."""
    cohorts = Cohort.select().where(_with_hooks("homework_due") & Cohort.id.in_(
        Case.select(Case.cohort).where(Case.is_out(now)
                                       & (Case.publish_at > now - timedelta(days=30)))))
    queued = 0
    for cohort in cohorts:
        hours = max(cohort.reminder_offsets or [DUE_SOON_DEFAULT_HOURS])
        for slot in schedule_of(cohort):
            if is_out_at(slot, now) and now < slot.due_at <= now + timedelta(hours=hours):
                queued += post_homework_due(slot.case, slot=slot, now=now, base_url=base_url)
    return queued


def guest_phase(slot, zone, now):
    """"eve" from 24 h before the start until the local midnight before it; "day" on the
    session's local day from 09:00 (or an hour before a morning session) until the start;
    else None. The day rule is the one members' mails follow (domain.sharing_reminders)."""
    zone = ZoneInfo(zone)
    start = slot.starts_at
    midnight = datetime.combine(start.astimezone(zone).date(), time(0, 0), tzinfo=zone)
    day_from = max(midnight, min(datetime.combine(midnight.date(), MEMBERS_FROM, tzinfo=zone),
                                 start - timedelta(hours=1)))
    if day_from <= now < start:
        return "day"
    if start - timedelta(hours=24) <= now < midnight:
        return "eve"
    return None


def post_guest_weeks(*, now, base_url):
    """Queue the guest-week posts due at `now` for confirmed talks in open weeks. Returns
    how many posts were queued."""
    talks = (Talk.select(Talk, ShareSlot, Cohort, User)
             .join(ShareSlot, on=(Talk.slot == ShareSlot.id))
             .switch(Talk).join(Cohort, on=(Talk.cohort == Cohort.id))
             .switch(Talk).join(User, on=(Talk.guest == User.id))
             .where((Talk.status == "confirmed") & (ShareSlot.status == "open")
                    & (ShareSlot.starts_at > now)
                    & (ShareSlot.starts_at <= now + timedelta(hours=24))
                    & _with_hooks("guest_week")))
    queued = 0
    for talk in talks:
        which = guest_phase(talk.slot, talk.cohort.timezone, now)
        if which is not None:
            queued += post_guest_week(talk, which=which, now=now, base_url=base_url)
    return queued


def _posts_in_last_minute(now):
    """robot id -> posts sent to it in the minute before `now`, or being sent now."""
    recent = (((OutboxMessage.sent_at > now - timedelta(minutes=1))
               & (OutboxMessage.sent_at <= now))
              | (OutboxMessage.sent_at.is_null() & (OutboxMessage.claimed_until > now)))
    return dict(OutboxMessage.select(OutboxMessage.hook, fn.COUNT(OutboxMessage.id))
                .where(OutboxMessage.hook.is_null(False) & recent)
                .group_by(OutboxMessage.hook).tuples())


def due_posts(*, now, limit):
    """The due posts to send now, oldest first, at most `limit`, and no more to a robot than
    keeps it within POSTS_PER_MINUTE in the last minute. The others stay queued as they are
    (not tried, not failed) and go out in a later run."""
    used = _posts_in_last_minute(now)
    full = [hook for hook, count in used.items() if count >= POSTS_PER_MINUTE]
    picked = []
    for message in outbox.due_messages(now=now, posts=True, limit=4 * limit, skip_hooks=full):
        if used.get(message.hook_id, 0) < POSTS_PER_MINUTE:
            used[message.hook_id] = used.get(message.hook_id, 0) + 1
            picked.append(message)
            if len(picked) == limit:
                break
    return picked


def attach_hooks(messages):
    """Load the robots of claimed posts in one query (the senders then need no database).
    Returns the posts whose robot still exists."""
    ids = {m.hook_id for m in messages}
    hooks = {h.id: h for h in ChatHook.select().where(ChatHook.id.in_(ids))} if ids else {}
    kept = []
    for message in messages:
        if message.hook_id in hooks:
            message.hook = hooks[message.hook_id]
            kept.append(message)
    return kept
