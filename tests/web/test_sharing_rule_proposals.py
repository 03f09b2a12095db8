"""A new weekly sharing rule and the talks proposed for its weeks (docs/rules.md "Weekly guest
sharing"): the preview counts the guests whose pending proposal asks for a week that moves;
on confirmation each of them gets one mail (the new time in the cohort's zone, in their
language, a link to the proposal); a guest whose week did not move gets nothing; the feed
raises the SEQUENCE of the weeks that moved, and only theirs."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from learnclub import clock
from learnclub.domain.cohorts.settings import SETTING_FIELDS
from learnclub.domain.sharing.talks import (
    accept_talk,
    add_one_off_slot,
    generate_slots,
    propose_talk,
    withdraw_talk,
)
from learnclub.models import OutboxMessage, ShareSlot
from tests.factories import make_cohort, make_member, make_user

SATURDAY = {"sharing_weekday": 5, "sharing_time": "19:30"}


@pytest.fixture
def host():
    return make_user(can_host=True, locale="en")


@pytest.fixture
def cohort(app, host):
    """Public, Sundays 20:00 in Shanghai; from START (Wed 2026-12-09) the eight Sundays ahead,
    the first on 2026-12-13."""
    cohort = make_cohort(host=host, slug="lab", name="社群实验室")
    generate_slots(cohort, now=clock.now())
    return cohort


def weeks(cohort):
    return list(ShareSlot.upcoming(cohort, clock.now()))


def proposal(cohort, slots, *, locale, name):
    guest = make_member(cohort, make_user(locale=locale, display_name=name), role="guest")
    return propose_talk(cohort, guest, topic=f"{name}的分享", abstract="摘要",
                        preferred_slots=slots, now=clock.now())


def settings_form(cohort, confirm=False, **overrides):
    form = {}
    for name in SETTING_FIELDS:
        value = overrides.get(name, getattr(cohort, name))
        if value is None:  # an empty date (the cohort's last day) is not sent
            continue
        if isinstance(value, bool):
            if value:
                form[name] = "y"
        else:
            form[name] = str(value)
    return form | ({"confirm_rule": "1"} if confirm else {})


def rule_mails():
    return list(OutboxMessage.select().where(OutboxMessage.key.contains(":rule-moved:"))
                .order_by(OutboxMessage.id))


@pytest.fixture
def proposals(cohort):
    """A Chinese guest asks for the 1st week; an English one for the 3rd, then the 1st; the
    2nd week is accepted for a third guest; a fourth asks for the 4th week, whose Saturday
    19:30 a one-off session already has (so that week stays); a fifth withdrew."""
    slots = weeks(cohort)
    zone = ZoneInfo(cohort.timezone)
    # the Saturday before the 4th week's Sunday session, at the new rule's 19:30
    saturday = slots[3].starts_at.astimezone(zone).replace(hour=19, minute=30) \
        - timedelta(days=1)
    one_off = add_one_off_slot(cohort, saturday, actor=cohort.created_by, now=clock.now())
    chinese = proposal(cohort, [slots[0]], locale="zh_Hans_CN", name="王嘉宾")
    english = proposal(cohort, [slots[2], slots[0]], locale="en", name="Ann")
    held = proposal(cohort, [slots[1]], locale="en", name="Bo")
    accept_talk(held, slots[1], actor=cohort.created_by, now=clock.now())
    stays = proposal(cohort, [slots[3]], locale="en", name="Cy")
    gone = proposal(cohort, [slots[4]], locale="en", name="Di")
    withdraw_talk(gone, guest=gone.guest, now=clock.now())
    return {"chinese": chinese, "english": english, "held": held, "stays": stays,
            "slots": slots, "one_off": one_off}


def test_preview_counts_the_guests_to_tell_and_mails_nobody(client, login_as, cohort, host,
                                                            proposals):
    login_as(host)

    page = client.post("/c/lab/settings", data=settings_form(cohort, **SATURDAY)
                       ).get_data(as_text=True)

    assert ("2 guests whose talk proposals ask for a week that moves will be mailed its new "
            "time.") in page
    assert rule_mails() == []


def test_confirmed_rule_mails_each_proposer_of_a_moved_week_once(client, login_as, cohort,
                                                                 host, proposals):
    chinese, english = proposals["chinese"], proposals["english"]
    login_as(host)

    response = client.post("/c/lab/settings", data=settings_form(cohort, True, **SATURDAY),
                           follow_redirects=True)
    client.post("/c/lab/settings", data=settings_form(cohort, True, **SATURDAY))  # again

    assert ("2 guests whose talk proposals ask for a moved week were mailed its new time."
            in response.get_data(as_text=True))
    mails = rule_mails()
    assert sorted(m.to_addr for m in mails) == sorted([chinese.guest.email,
                                                       english.guest.email])
    zh = next(m for m in mails if m.to_addr == chinese.guest.email)
    assert zh.subject == "社群实验室：你申请的分享周改了时间"
    assert "“王嘉宾的分享”: 12月13日 周日 20:00（北京时间） → 12月12日 周六 19:30（北京时间）" \
        in zh.body
    assert f"/c/lab/talks/mine#talk-{chinese.id}" in zh.body
    assert "12月12日 周六 19:30（北京时间）" in zh.html_body
    en = next(m for m in mails if m.to_addr == english.guest.email)
    assert en.subject == "社群实验室: the weeks you asked for have a new time"
    assert "2 weeks your talk proposals ask for moved" in en.body
    assert ("“Ann的分享”: Sun 27 Dec, 20:00 (Beijing time) → Sat 26 Dec, 19:30 "
            "(Beijing time)") in en.body
    assert "→ Sat 12 Dec, 19:30 (Beijing time)" in en.body
    assert f"/c/lab/talks/mine#talk-{english.id}" in en.body


def test_a_guest_whose_week_did_not_move_is_not_told(client, login_as, cohort, host,
                                                     proposals):
    login_as(host)

    client.post("/c/lab/settings", data=settings_form(cohort, True, **SATURDAY))

    told = {m.to_addr for m in rule_mails()}
    assert proposals["stays"].guest.email not in told  # its week's new time was taken
    assert proposals["held"].guest.email not in told  # accepted: not a pending proposal
    stays_week = ShareSlot.get_by_id(proposals["slots"][3].id)
    assert stays_week.starts_at == proposals["slots"][3].starts_at
    assert len(told) == 2


def test_feed_raises_the_sequence_of_moved_weeks_only(client, login_as, cohort, host,
                                                     proposals):
    slots = proposals["slots"]
    before = {s.uid: s.sequence for s in weeks(cohort)}
    login_as(host)

    client.post("/c/lab/settings", data=settings_form(cohort, True, **SATURDAY))

    feed = Calendar.from_ical(client.get("/c/lab/calendar.ics").data)
    sequence = {str(e["UID"]): int(e["SEQUENCE"]) for e in feed.walk("VEVENT")}
    raised = {uid for uid in before if sequence[uid] == before[uid] + 1}
    unchanged = {uid for uid in before if sequence[uid] == before[uid]}
    assert unchanged == {slots[1].uid, slots[3].uid, proposals["one_off"].uid}
    assert raised == {s.uid for s in slots} - {slots[1].uid, slots[3].uid}
