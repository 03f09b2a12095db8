"""The daily digest: from 08:00 in the person's zone, once per local day, every held mail in
one mail, each held row marked once; the zone is their earliest active cohort's."""
from datetime import UTC, date, datetime, timedelta

from learnclub.domain.accounts.profiles import zones_of
from learnclub.domain.reach.daily_digest import digest_day, send_daily_digests
from learnclub.domain.reach.outbox import enqueue_mail, hold_message
from learnclub.domain.reach.preferences import set_preferences
from learnclub.models import Membership, OutboxMessage, User
from tests.factories import T0, make_cohort, make_user

#: named instants; New York springs forward on 2026-03-08 and falls back on 2026-11-01
NY_SAT_0700 = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # 07:00 EST
NY_SAT_0800 = datetime(2026, 3, 7, 13, 0, tzinfo=UTC)  # 08:00 EST
NY_SUN_0800 = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT: the same UTC hour as 07:00
NY_FALLBACK_0700 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # 07:00 EST (08:00 in EDT)
NY_FALLBACK_0800 = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
SH_0759 = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)  # 07:59 on 2 December in Shanghai
SH_0800 = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)


def test_digest_day_starts_at_eight_local():
    assert [digest_day(at, "Asia/Shanghai") for at in (SH_0759, SH_0800)] == [
        None, date(2026, 12, 2)]


def test_digest_day_follows_daylight_saving_time():
    days = [digest_day(at, "America/New_York") for at in (
        NY_SAT_0700, NY_SAT_0800, NY_SUN_0800 - timedelta(minutes=1), NY_SUN_0800,
        NY_FALLBACK_0700, NY_FALLBACK_0800)]

    assert days == [None, date(2026, 3, 7), None, date(2026, 3, 8), None, date(2026, 11, 1)]


def _join(cohort, user, *, joined, status="active"):
    Membership.create(cohort=cohort, user=user, role="learner", status=status, joined_at=joined)


def test_zones_of_takes_earliest_active_cohort_else_default(app):
    new_york = make_cohort(timezone="America/New_York")
    berlin = make_cohort(timezone="Europe/Berlin")
    tokyo = make_cohort(timezone="Asia/Tokyo")
    both, removed_first, nowhere = make_user(), make_user(), make_user()
    _join(berlin, both, joined=T0 + timedelta(days=2))
    _join(new_york, both, joined=T0 + timedelta(days=1))
    _join(tokyo, removed_first, joined=T0, status="removed")
    _join(berlin, removed_first, joined=T0 + timedelta(days=3))

    zones = zones_of([both.id, removed_first.id, nowhere.id], "Asia/Shanghai")

    assert zones == {both.id: "America/New_York", removed_first.id: "Europe/Berlin",
                     nowhere.id: "Asia/Shanghai"}


def _held(user, key, subject, body, *, at=NY_SAT_0700, kind="reminders"):
    enqueue_mail(key, to_addr=user.email, user=user, subject=subject, body=body, now=at,
                 kind=kind)
    hold_message(OutboxMessage.get(OutboxMessage.key == key))


def _new_yorker():
    user = make_user(locale="en")
    _join(make_cohort(timezone="America/New_York"), user, joined=T0)
    set_preferences(user, {"reminders": "daily", "new_case": "daily"}, now=T0)
    return user


def _rows():
    return [(m.key, m.outcome, m.sent_at) for m in OutboxMessage.select().order_by(
        OutboxMessage.id)]


def test_send_daily_digests_waits_for_eight_local(app):
    user = _new_yorker()
    _held(user, "r1", "Homework due", "Write it.")

    queued = send_daily_digests(now=NY_SAT_0700)

    assert queued == 0
    assert _rows() == [("r1", "held", None)]


def test_send_daily_digests_bundles_held_mail_once_a_day(app):
    user = _new_yorker()
    _held(user, "r1", "Homework due in 24 hours: 案例一", "Due tomorrow.\n\n— learnclub")
    _held(user, "n1", "New case: 案例二", "Read it:\nhttps://x/c/1\n\n— learnclub",
          kind="new_case")

    first = send_daily_digests(now=NY_SAT_0800)
    again = send_daily_digests(now=NY_SAT_0800 + timedelta(hours=1))

    key = f"daily-digest:user:{user.id}:2026-03-07"
    digest = OutboxMessage.get(OutboxMessage.key == key)
    assert (first, again) == (1, 0)
    assert _rows() == [("r1", "digest", NY_SAT_0800), ("n1", "digest", NY_SAT_0800),
                       (key, "", None)]
    assert (digest.kind, digest.user_id, digest.to_addr) == ("", user.id, user.email)
    assert digest.subject == "Your daily digest: 2 mails"
    assert digest.body == (
        "These mails came for you since your last digest. You chose to get them once a day."
        "\n\n\n1. Homework due in 24 hours: 案例一\n\n    Due tomorrow."
        "\n\n\n2. New case: 案例二\n\n    Read it:\n    https://x/c/1"
        "\n\n— learnclub")


def test_send_daily_digests_mail_held_after_todays_digest_waits_for_tomorrow(app):
    user = _new_yorker()
    _held(user, "r1", "One", "1")
    send_daily_digests(now=NY_SAT_0800)
    _held(user, "r2", "Two", "2", at=NY_SAT_0800 + timedelta(hours=2))

    same_day = send_daily_digests(now=NY_SAT_0800 + timedelta(hours=3))
    next_day = send_daily_digests(now=NY_SUN_0800)

    digests = [m.key for m in OutboxMessage.select().where(
        OutboxMessage.key.startswith("daily-digest:")).order_by(OutboxMessage.id)]
    assert (same_day, next_day) == (0, 1)
    assert digests == [f"daily-digest:user:{user.id}:2026-03-07",
                       f"daily-digest:user:{user.id}:2026-03-08"]
    assert OutboxMessage.get(OutboxMessage.key == "r2").outcome == "digest"
    assert OutboxMessage.get(OutboxMessage.key == digests[1]).subject == (
        "Your daily digest: 1 mail")


def test_send_daily_digests_nothing_held_after_switch_back_to_instant(app):
    user = _new_yorker()
    _held(user, "r1", "One", "1")
    set_preferences(user, {"reminders": "instant"}, now=NY_SAT_0700)

    queued = send_daily_digests(now=NY_SAT_0800)

    assert queued == 0
    assert _rows() == [("r1", "", None)]


def test_send_daily_digests_drops_held_mail_of_a_deleted_account(app):
    user = _new_yorker()
    _held(user, "r1", "One", "1")
    Membership.delete().where(Membership.user == user.id).execute()
    OutboxMessage.update(user=None).where(OutboxMessage.key == "r1").execute()
    User.delete().where(User.id == user.id).execute()

    queued = send_daily_digests(now=NY_SAT_0800)

    assert queued == 0
    assert _rows() == [("r1", "off", NY_SAT_0800)]

