"""The weekly sharing rule moves the calendar (docs/rules.md "Weekly guest sharing"): when a
host changes the weekday, time, length or time zone of the rule, every weekly session ahead
that no talk holds moves to the new rule (its row, UID and week kept, its SEQUENCE bumped);
a week an accepted or confirmed talk holds stays where it is (the host may move it by hand,
`move_slot`, and the guest is mailed). First a plan (the preview), then the move, then
telling the guests whose pending proposal names a week that moved (`mail_moved_proposals`)."""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.access import PERMISSIONS
from learnclub.domain.cohorts.activity import Action, changed, record
from learnclub.domain.reach import notices
from learnclub.domain.sharing.slots import touch_slot
from learnclub.models import Cohort, Membership, ShareSlot, Talk, TalkPreference, User
from learnclub.models.cohorts import MembershipStatus
from learnclub.models.sharing import TAKING_STATES, TalkStatus

#: the settings that make up the weekly rule
RULE_FIELDS = ("timezone", "sharing_weekday", "sharing_time", "sharing_minutes")


@dataclass
class RuleChange:
    #: (slot, new start in UTC, new minutes) of the open weeks no talk holds
    moves: list = field(default_factory=list)
    #: weeks off the new rule that stay because an accepted or confirmed talk holds them
    stays: list = field(default_factory=list)
    #: open weeks that stay because their new time has passed or another session has it
    kept: list = field(default_factory=list)
    #: (talk, slot, new start in UTC): a submitted proposal naming a week that moves
    proposals: list = field(default_factory=list)

    @property
    def proposers(self):
        """Ids of the guests whose pending proposal names a week that moves: who is told."""
        return sorted({talk.guest_id for talk, _slot, _start in self.proposals})


def rule_of(cohort, settings=None):
    """The rule's settings: the cohort's, with `settings` (about to be saved) over them."""
    settings = settings or {}
    return {key: settings.get(key, getattr(cohort, key)) for key in RULE_FIELDS}


def rule_changes(cohort, settings):
    """True if saving `settings` would change the cohort's weekly rule."""
    return rule_of(cohort, settings) != rule_of(cohort)


def rule_start(week, rule):
    """The UTC start the rule gives the ISO week "YYYY-Www" (its local wall time)."""
    year, number = week.split("-W")
    day = date.fromisocalendar(int(year), int(number), rule["sharing_weekday"] + 1)
    wall = time.fromisoformat(rule["sharing_time"])
    return datetime.combine(day, wall, tzinfo=ZoneInfo(rule["timezone"])).astimezone(UTC)


def plan_weekly_rule(cohort, settings=None, *, now):
    """What following the rule (the cohort's, or the one `settings` would make) does to the
    weekly sessions that have not started, and which pending proposals name a week that
    moves. Three queries. Returns a RuleChange."""
    rule = rule_of(cohort, settings)
    opened = list(ShareSlot.select().where(
        (ShareSlot.cohort == cohort.id) & (ShareSlot.status == "open")
        & (ShareSlot.starts_at > now)).order_by(ShareSlot.starts_at, ShareSlot.id))
    ids = [s.id for s in opened] or [0]
    held = {t.slot_id for t in Talk.select(Talk.slot).where(
        Talk.slot.in_(ids) & Talk.status.in_(TAKING_STATES))}
    busy = {s.starts_at for s in opened}
    plan = RuleChange()
    for slot in (s for s in opened if s.kind == "weekly" and s.week):
        start, minutes = rule_start(slot.week, rule), rule["sharing_minutes"]
        if (slot.starts_at, slot.minutes) == (start, minutes):
            continue
        if slot.id in held:
            plan.stays.append(slot)
            continue
        if start <= now or (start != slot.starts_at and start in busy):
            plan.kept.append(slot)
            continue
        busy = (busy - {slot.starts_at}) | {start}
        plan.moves.append((slot, start, minutes))
    plan.proposals = _proposals_for(plan.moves)
    return plan


def _proposals_for(moves):
    """(talk, slot, new start) for each submitted talk that lists a slot of `moves`, by guest,
    oldest proposal first, in the guest's order of preference. One query (none if no move)."""
    starts = {slot.id: (slot, start) for slot, start, _minutes in moves}
    if not starts:
        return []
    prefs = (TalkPreference.select(TalkPreference, Talk)
             .join(Talk, on=(TalkPreference.talk == Talk.id))
             .where(TalkPreference.slot.in_(list(starts))
                    & (Talk.status == TalkStatus.SUBMITTED))
             .order_by(Talk.guest, Talk.created_at, Talk.id, TalkPreference.rank))
    return [(pref.talk, *starts[pref.slot_id]) for pref in prefs]


def apply_weekly_rule(cohort, *, actor, now):
    """Move the cohort's open weeks that no talk holds to its (saved) weekly rule, bumping
    their SEQUENCE; each move is logged. Returns the RuleChange (what moved, what stayed)."""
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        plan = plan_weekly_rule(cohort, now=now)
        for slot, start, minutes in plan.moves:
            ShareSlot.update(starts_at=start, minutes=minutes).where(
                ShareSlot.id == slot.id).execute()
            touch_slot(slot.id, now=now)
            record(cohort, Action.SLOT_MOVED, actor=actor, now=now, subject=slot,
                   changes=changed({"starts_at": slot.starts_at, "minutes": slot.minutes},
                                   {"starts_at": start, "minutes": minutes}))
    return plan


def _proposal_links(cohort, guest_ids, base_url):
    """{guest id: the page where they see their proposals}: "My talks" for a member who may
    propose, the visitor's "My proposals" page otherwise."""
    members = {m.user_id for m in Membership.select(Membership.user).where(
        (Membership.cohort == cohort.id) & Membership.user.in_(guest_ids)
        & (Membership.status == MembershipStatus.ACTIVE)
        & Membership.role.in_(PERMISSIONS["propose_talk"]))}
    return {guest_id: f"{base_url}/c/{cohort.slug}/talks/"
            + ("mine" if guest_id in members else "proposed") for guest_id in guest_ids}


def mail_moved_proposals(cohort, plan, *, base_url, now):
    """Tell each guest of `plan.proposals` (what `apply_weekly_rule` returned) that the week
    their pending proposal asked for moved: old and new time in the cohort's zone, in their
    language, and a link to the proposal. One mail per guest per change (the outbox key
    names the change's time), whatever their mail settings. Returns how many were told."""
    by_guest = {}
    for talk, slot, start in plan.proposals:
        by_guest.setdefault(talk.guest_id, []).append((talk, slot, start))
    if not by_guest:
        return 0
    guests = {u.id: u for u in User.select().where(User.id.in_(list(by_guest)))}
    pages = _proposal_links(cohort, list(by_guest), base_url)
    for guest_id, rows in by_guest.items():
        guest, talks = guests[guest_id], {talk.id for talk, _slot, _start in rows}
        link = pages[guest_id] + (f"#talk-{rows[0][0].id}" if len(talks) == 1 else "")
        items = [{"topic": talk.topic,
                  "old": notices.local_when(slot.starts_at, cohort.timezone, guest.locale),
                  "new": notices.local_when(start, cohort.timezone, guest.locale)}
                 for talk, slot, start in rows]
        notices.send("proposal_week_moved",
                     f"cohort:{cohort.id}:rule-moved:{now:%Y%m%dT%H%M%S}:guest:{guest_id}",
                     to=guest.email, locale=guest.locale, user=guest, now=now,
                     list_of=cohort, cohort=cohort.name, items=items, link=link)
    return len(by_guest)
