"""The sharing calendar pages: the weeks ahead, managing them (staff), the ICS feed's
permissions (public cohorts open, private ones by a member's revocable secret link)."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from learnclub import clock
from learnclub.domain.cohorts.settings import SETTING_FIELDS
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.models import (
    Cohort,
    Membership,
    OutboxMessage,
    ShareSlot,
    Talk,
)
from tests.factories import make_cohort, make_member, make_user
from tests.query_count import count_queries


def make_link(client, slug):
    """Make the member's private feed link; its secret is shown once, on the answer."""
    page = client.post(f"/c/{slug}/calendar/link").get_data(as_text=True)
    return re.search(r"calendar\.ics\?token=([\w-]+)", page).group(1)


@pytest.fixture
def host():
    return make_user(can_host=True, locale="en")


@pytest.fixture
def cohort(app, host):
    cohort = make_cohort(host=host, slug="lab", name="社群实验室")
    generate_slots(cohort, now=clock.now())
    return cohort


@pytest.fixture
def private(app, host):
    cohort = make_cohort(host=host, slug="inner", is_public=False)
    generate_slots(cohort, now=clock.now())
    return cohort


def upcoming(cohort):
    return list(ShareSlot.upcoming(cohort, clock.now()))


def accepted_talk(cohort, slot, topic="从一个群到一张网"):
    guest = make_user(display_name="王嘉宾", company_title="某社群 创始人")
    make_member(cohort, guest, role="guest")
    talk = propose_talk(cohort, guest, topic=topic, abstract="摘要", preferred_slots=[slot],
                        now=clock.now())
    return accept_talk(talk, slot, actor=cohort.created_by, now=clock.now())


def local_field(slot, zone="Asia/Shanghai"):
    return slot.starts_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_calendar_page_public_shows_open_weeks_to_visitors(client, cohort):
    response = client.get("/c/lab/calendar")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="cal-week open"') >= 8  # the list, and the month grid
    assert "open – looking for a guest" in page


def test_calendar_page_shows_talk_and_cancelled_week(client, login_as, cohort, host):
    slots = upcoming(cohort)
    accepted_talk(cohort, slots[0])
    login_as(host)
    client.post(f"/c/lab/calendar/slots/{slots[1].id}/cancel")

    page = client.get("/c/lab/calendar").get_data(as_text=True)

    assert "从一个群到一张网" in page
    assert "王嘉宾" in page
    assert "某社群 创始人" in page
    assert f'<li class="cal-week cancelled" id="week-{slots[1].id}">' in page


def test_calendar_page_private_refuses_outsiders(client, login_as, private):
    login_as(make_user())

    assert client.get("/c/inner/calendar").status_code == 403


def test_slots_page_staff_only(client, login_as, cohort):
    login_as(make_member(cohort))

    assert client.get("/c/lab/calendar/slots").status_code == 403


def test_add_one_off_slot_from_form(client, login_as, cohort, host):
    login_as(host)
    when = (clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Asia/Shanghai"))

    response = client.post("/c/lab/calendar/slots", data={
        "new-starts_at": when.strftime("%Y-%m-%dT%H:%M"), "new-minutes": "90"})

    assert response.status_code == 302
    slot = ShareSlot.get(ShareSlot.kind == "one_off")
    assert (slot.minutes, slot.starts_at) == (90, when.replace(second=0, microsecond=0))


def test_add_one_off_slot_in_the_past_shows_error(client, login_as, cohort, host):
    login_as(host)

    response = client.post("/c/lab/calendar/slots", data={"new-starts_at": "2020-01-01T20:00"})

    assert response.status_code == 200
    assert "Choose a time in the future." in response.get_data(as_text=True)
    assert ShareSlot.select().where(ShareSlot.kind == "one_off").count() == 0


def test_move_slot_bumps_sequence(client, login_as, cohort, host):
    slot = upcoming(cohort)[0]
    login_as(host)
    later = slot.starts_at + timedelta(hours=1)

    client.post(f"/c/lab/calendar/slots/{slot.id}/move", data={
        f"move-{slot.id}-starts_at": local_field(ShareSlot(starts_at=later)),
        f"move-{slot.id}-minutes": "60"})

    moved = ShareSlot.get_by_id(slot.id)
    assert (moved.starts_at, moved.sequence, moved.uid) == (later, 1, slot.uid)


def test_cancel_slot_bumps_sequence_and_mails_everyone(client, login_as, cohort, host):
    slot = upcoming(cohort)[0]
    talk = accepted_talk(cohort, slot)
    learner = make_member(cohort, make_user(locale="zh_Hans_CN"))
    login_as(host)

    response = client.post(f"/c/lab/calendar/slots/{slot.id}/cancel")

    assert response.status_code == 302
    assert (ShareSlot.get_by_id(slot.id).status, ShareSlot.get_by_id(slot.id).sequence) == (
        "cancelled", 2)  # accepted (1), cancelled (2)
    assert Talk.get_by_id(talk.id).status == "cancelled"
    keys = sorted(m.key for m in OutboxMessage.select())
    assert keys == sorted(f"slot:{slot.id}:cancelled:user:{u}"
                          for u in (host.id, talk.guest_id, learner.id))


def test_cancel_slot_by_learner_refused(client, login_as, cohort):
    slot = upcoming(cohort)[0]
    login_as(make_member(cohort))

    assert client.post(f"/c/lab/calendar/slots/{slot.id}/cancel").status_code == 403
    assert ShareSlot.get_by_id(slot.id).status == "open"


def test_feed_public_cohort_for_anyone(client, cohort):
    response = client.get("/c/lab/calendar.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(response.data)
    assert str(feed["X-WR-CALNAME"]) == "社群实验室 · 嘉宾分享"
    assert len(feed.walk("VEVENT")) == 8


def test_feed_private_cohort_without_token_not_found(client, private):
    assert client.get("/c/inner/calendar.ics").status_code == 404


def test_feed_private_cohort_by_member_token(client, login_as, private):
    login_as(make_member(private))
    token = make_link(client, "inner")

    page = client.get("/c/inner/calendar").get_data(as_text=True)
    client.post("/logout")
    response = client.get(f"/c/inner/calendar.ics?token={token}")

    assert token not in page  # shown once, when made: only its hash is stored
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 8


def test_feed_revoked_token_not_found_new_one_works(client, login_as, private):
    login_as(make_member(private))
    old = make_link(client, "inner")

    new = make_link(client, "inner")

    assert client.get(f"/c/inner/calendar.ics?token={old}").status_code == 404
    assert client.get(f"/c/inner/calendar.ics?token={new}").status_code == 200


def test_feed_token_of_removed_member_not_found(client, login_as, private):
    member = login_as(make_member(private))
    token = make_link(client, "inner")
    Membership.update(status="removed").where(Membership.user == member).execute()

    assert client.get(f"/c/inner/calendar.ics?token={token}").status_code == 404


def test_feed_token_of_another_cohort_not_found(client, login_as, private, cohort):
    login_as(make_member(cohort))
    token = make_link(client, "lab")

    assert client.get(f"/c/inner/calendar.ics?token={token}").status_code == 404


def test_feed_alarm_adds_valarm(client, cohort):
    feed = Calendar.from_ical(client.get("/c/lab/calendar.ics?alarm=30").data)

    triggers = [a["TRIGGER"].dt for a in feed.walk("VALARM")]
    assert triggers == [timedelta(minutes=-30)] * 8


def _statements(client, url):
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/c/lab/calendar", "/c/lab/calendar.ics"])
def test_calendar_query_count_independent_of_talks(client, cohort, url):
    few = _statements(client, url)
    for slot in upcoming(cohort)[:4]:
        accepted_talk(cohort, slot, topic=f"话题{slot.id}")

    assert _statements(client, url) == few


# A new weekly rule moves the open weeks (issue 13, point 6) -----------------------------

def settings_form(cohort, **overrides):
    """The cohort's settings as the settings page posts them, with `overrides`."""
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
    return form


def local_starts(cohort):
    zone = ZoneInfo(cohort.timezone)
    return [s.starts_at.astimezone(zone).strftime("%a %H:%M") for s in upcoming(cohort)]


def test_settings_new_sharing_rule_previews_before_moving(client, login_as, cohort, host):
    accepted_talk(cohort, upcoming(cohort)[1])
    login_as(host)

    response = client.post("/c/lab/settings", data=settings_form(
        cohort, sharing_weekday=5, sharing_time="19:30"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("7 open weeks will move from Sunday 20:00 (60 min) to Saturday 19:30 (60 min)."
            in page)
    assert "1 week with an accepted or confirmed talk stays where it is: Sun 20 Dec, 20:00." in page
    assert 'name="confirm_rule"' in page
    assert (Cohort.get_by_id(cohort.id).sharing_weekday, set(local_starts(cohort))) == (
        6, {"Sun 20:00"})


def test_settings_confirmed_sharing_rule_moves_open_weeks_and_feed(client, login_as, cohort,
                                                                   host):
    held = accepted_talk(cohort, upcoming(cohort)[1])
    login_as(host)

    response = client.post("/c/lab/settings", data=settings_form(
        cohort, sharing_weekday=5, sharing_time="19:30") | {"confirm_rule": "1"},
        follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "7 open weeks moved to Saturday 19:30 (60 min)." in page
    assert "1 week with an accepted or confirmed talk stays where it is" in page
    assert local_starts(cohort) == ["Sat 19:30", "Sun 20:00"] + ["Sat 19:30"] * 6
    feed = Calendar.from_ical(client.get("/c/lab/calendar.ics").data)
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert [(events[s.uid]["DTSTART"].dt.strftime("%a %H:%M"), int(events[s.uid]["SEQUENCE"]))
            for s in upcoming(cohort)] == [("Sat 19:30", 1), ("Sun 20:00", 1)] + [
        ("Sat 19:30", 1)] * 6
    assert Talk.get_by_id(held.id).slot.starts_at == upcoming(cohort)[1].starts_at


def test_settings_without_rule_change_saves_at_once(client, login_as, cohort, host):
    login_as(host)

    response = client.post("/c/lab/settings", data=settings_form(cohort, name="新名字"))

    assert response.status_code == 302
    assert set(local_starts(cohort)) == {"Sun 20:00"}


def test_move_slot_with_a_guest_mails_the_guest_once(client, login_as, cohort, host):
    slot = upcoming(cohort)[0]
    talk = accepted_talk(cohort, slot)
    later = slot.starts_at + timedelta(days=1)
    login_as(host)

    client.post(f"/c/lab/calendar/slots/{slot.id}/move", data={
        f"move-{slot.id}-starts_at": local_field(ShareSlot(starts_at=later)),
        f"move-{slot.id}-minutes": "60"})

    mails = list(OutboxMessage.select().where(OutboxMessage.key.startswith(f"talk:{talk.id}:")))
    assert [(m.key, m.to_addr) for m in mails] == [
        (f"talk:{talk.id}:moved:2", talk.guest.email)]
    assert "/c/lab/talks/mine" in mails[0].body


def propose_link(slot):
    return f'href="/c/lab/talks/new?week={slot.id}"'


def test_calendar_page_links_open_weeks_to_the_proposal_form_for_members(client, login_as,
                                                                          cohort):
    slots = upcoming(cohort)
    accepted_talk(cohort, slots[0])
    link = propose_link

    assert link(slots[1]) not in client.get("/c/lab/calendar").get_data(as_text=True)
    login_as(make_member(cohort))
    page = client.get("/c/lab/calendar").get_data(as_text=True)

    assert page.count(link(slots[1])) == 2  # in the list (phones) and the month grid
    assert link(slots[0]) not in page  # a week with a guest is not offered
