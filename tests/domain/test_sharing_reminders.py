"""Sharing reminders: the guest a week and two hours before, members on the day from 09:00
local, each once, in each person's language; nothing for open, cancelled or withdrawn weeks."""
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.domain.sharing.reminders import send_sharing_reminders
from learnclub.domain.sharing.talks import (
    accept_talk,
    cancel_slot,
    confirm_talk,
    generate_slots,
    propose_talk,
    withdraw_talk,
)
from learnclub.models import OutboxMessage, ShareSlot
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
#: the first Sunday ahead: 2026-11-29 20:00 in Shanghai
START = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
#: named phases, in the cohort's zone (Asia/Shanghai, UTC+8)
BEFORE_WEEK = START - timedelta(days=7, minutes=1)
WEEK_BEFORE = START - timedelta(days=7)
DAY_BEFORE = START - timedelta(hours=13)  # Saturday 19:00 local
DAY_EARLY_MORNING = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)  # Sunday 07:00 local
DAY_MORNING = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)  # Sunday 09:00 local
TWO_HOURS_BEFORE = START - timedelta(hours=2)
AFTER_START = START + timedelta(minutes=1)
BASE = "https://learn.example.org"


@pytest.fixture
def cohort(app):
    cohort = make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")
    generate_slots(cohort, now=NOW)
    return cohort


@pytest.fixture
def talk(cohort):
    slot = cohort.share_slots.order_by(ShareSlot.starts_at).first()
    guest = make_member(cohort, make_user(locale="zh_Hans_CN", display_name="王嘉宾"),
                        role="guest")
    proposed = propose_talk(cohort, guest, topic="从一个群到一张网", abstract="摘要",
                            preferred_slots=[slot], now=NOW)
    return accept_talk(proposed, slot, actor=cohort.created_by, now=NOW)


def keys():
    return sorted(m.key for m in OutboxMessage.select())


def test_first_slot_is_the_sunday_of_the_fixture(cohort):
    assert cohort.share_slots.order_by(ShareSlot.starts_at).first().starts_at == START


def test_nothing_before_the_week(cohort, talk):
    assert send_sharing_reminders(now=BEFORE_WEEK, base_url=BASE) == 0


def test_guest_week_before_asks_to_confirm_in_their_language(cohort, talk):
    send_sharing_reminders(now=WEEK_BEFORE, base_url=BASE)
    send_sharing_reminders(now=WEEK_BEFORE + timedelta(hours=1), base_url=BASE)

    mail = OutboxMessage.get()
    assert keys() == [f"talk:{talk.id}:reminder:7d:guest"]
    assert mail.to_addr == talk.guest.email
    assert "从一个群到一张网" in mail.subject
    assert "北京时间" in mail.body  # the time as a Chinese reader reads it
    assert f"{BASE}/c/lab/calendar" in mail.body


def test_guest_two_hours_before_once(cohort, talk):
    send_sharing_reminders(now=WEEK_BEFORE, base_url=BASE)
    send_sharing_reminders(now=TWO_HOURS_BEFORE, base_url=BASE)
    send_sharing_reminders(now=TWO_HOURS_BEFORE + timedelta(minutes=30), base_url=BASE)

    guest_keys = [k for k in keys() if k.endswith(":guest")]
    assert guest_keys == [f"talk:{talk.id}:reminder:2h:guest", f"talk:{talk.id}:reminder:7d:guest"]


def test_members_not_the_day_before_nor_early_morning(cohort, talk):
    make_member(cohort)
    send_sharing_reminders(now=DAY_BEFORE, base_url=BASE)
    send_sharing_reminders(now=DAY_EARLY_MORNING, base_url=BASE)

    assert [k for k in keys() if ":day:" in k] == []


def test_members_on_the_morning_once_each_in_their_language(cohort, talk):
    learner_en = make_member(cohort, make_user(locale="en"))
    learner_zh = make_member(cohort, make_user(locale="zh_Hans_CN"))
    make_member(cohort, status="removed")

    send_sharing_reminders(now=DAY_MORNING, base_url=BASE)
    send_sharing_reminders(now=DAY_MORNING + timedelta(hours=3), base_url=BASE)

    day = {m.user_id: m for m in OutboxMessage.select() if ":day:" in m.key}
    assert sorted(day) == sorted([cohort.created_by_id, learner_en.id, learner_zh.id])
    assert day[learner_en.id].subject == "Today: 王嘉宾 on “从一个群到一张网”"
    assert "北京时间" in day[learner_zh.id].body
    assert "Beijing time" in day[learner_en.id].body
    assert day[learner_en.id].key == f"talk:{talk.id}:reminder:day:member:{learner_en.id}"


def test_confirmed_talk_reminded_too(cohort, talk):
    confirm_talk(talk, guest=talk.guest, now=NOW)

    send_sharing_reminders(now=TWO_HOURS_BEFORE, base_url=BASE)

    assert f"talk:{talk.id}:reminder:2h:guest" in keys()


def test_nothing_after_start(cohort, talk):
    assert send_sharing_reminders(now=AFTER_START, base_url=BASE) == 0


def test_nothing_for_withdrawn_or_cancelled_weeks(cohort, talk):
    withdraw_talk(talk, guest=talk.guest, now=NOW)
    second = cohort.share_slots.order_by(ShareSlot.starts_at)[1]
    cancel_slot(second, actor=cohort.created_by, now=NOW)

    assert send_sharing_reminders(now=TWO_HOURS_BEFORE, base_url=BASE) == 0
    assert keys() == []


def test_guest_reminder_goes_whatever_the_preference_until_confirmed(cohort, talk):
    send_sharing_reminders(now=WEEK_BEFORE, base_url=BASE)
    confirm_talk(talk, guest=talk.guest, now=NOW)
    send_sharing_reminders(now=TWO_HOURS_BEFORE, base_url=BASE)

    kinds = {m.key: m.kind for m in OutboxMessage.select().where(
        OutboxMessage.user == talk.guest)}

    # the week-before mail asks to confirm, so it cannot be turned off; after, it's a reminder
    assert kinds == {f"talk:{talk.id}:reminder:7d:guest": "",
                     f"talk:{talk.id}:reminder:2h:guest": "sharing"}
