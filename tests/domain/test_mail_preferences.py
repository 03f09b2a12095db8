"""Mail preferences: what the outbox does with each kind, how choices are stored and checked,
which mails carry which kind, and the signed one-click unsubscribe token."""
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.errors import DomainError, NotFound
from learnclub.domain.reach import mail_footer, notices
from learnclub.domain.reach.outbox import enqueue_mail, hold_message
from learnclub.domain.reach.preferences import (
    KINDS,
    decide,
    preferences_of,
    readers,
    set_preferences,
    unsubscribe,
)
from learnclub.domain.sharing.talks import (
    accept_talk,
    cancel_slot,
    generate_slots,
    mail_slot_cancelled,
    propose_talk,
)
from learnclub.models import MailPreference, Membership, OutboxMessage, User
from tests.factories import make_case, make_cohort, make_member, make_user

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SECRET = "test-secret-key"


def _mail(kind, user):
    return OutboxMessage(kind=kind, user=user, to_addr="a@example.org", subject="s", body="b")


# decide ---------------------------------------------------------------------------------------

def test_decide_follows_the_mode_and_always_sends_kindless_mail(app):
    user = make_user()
    prefs = {"new_case": "instant", "reminders": "daily", "feedback": "off"}

    verdicts = [decide(_mail("new_case", user), prefs), decide(_mail("reminders", user), prefs),
                decide(_mail("feedback", user), prefs), decide(_mail("sharing", user), prefs),
                decide(_mail("", user), dict.fromkeys(KINDS, "off")),
                decide(_mail("reminders", None), prefs)]

    assert verdicts == ["send", "hold", "drop", "send", "send", "send"]


# storing choices ------------------------------------------------------------------------------

def test_preferences_of_new_person_is_all_instant(app):
    assert preferences_of(make_user()) == dict.fromkeys(KINDS, "instant")


def test_set_preferences_keeps_kinds_left_out(app):
    user = make_user()
    set_preferences(user, {"new_case": "off"}, now=NOW)

    modes = set_preferences(user, {"reminders": "daily"}, now=NOW)

    assert modes == {"new_case": "off", "reminders": "daily", "feedback": "instant",
                     "sharing": "instant", "digests": "instant", "announcements": "instant"}
    assert preferences_of(user) == modes


@pytest.mark.parametrize(("modes", "field"), [
    ({"new_case": "off", "reminders": "loud"}, "reminders"),
    ({"reminders": ""}, "reminders"),
    ({"membership": "off"}, "membership"),
])
def test_set_preferences_refuses_unknown_mode_or_kind_changing_nothing(app, modes, field):
    user = make_user()

    with pytest.raises(DomainError) as caught:
        set_preferences(user, modes, now=NOW)

    assert caught.value.field == field
    assert MailPreference.select().count() == 0


def test_set_preferences_away_from_daily_releases_held_mail(app):
    user = make_user()
    set_preferences(user, {"reminders": "daily", "new_case": "daily"}, now=NOW)
    for key, kind in (("r1", "reminders"), ("r2", "reminders"), ("n1", "new_case")):
        enqueue_mail(key, to_addr=user.email, user=user, subject=key, body="b", now=NOW,
                     kind=kind)
        hold_message(OutboxMessage.get(OutboxMessage.key == key))

    set_preferences(user, {"reminders": "instant"}, now=NOW + timedelta(hours=1))

    rows = OutboxMessage.select().order_by(OutboxMessage.key)
    assert [(m.key, m.outcome, m.sent_at) for m in rows] == [
        ("n1", "held", None), ("r1", "", None), ("r2", "", None)]


def test_unsubscribe_one_kind_returns_what_it_was(app):
    user = make_user()
    set_preferences(user, {"reminders": "daily"}, now=NOW)

    before = unsubscribe(user, "reminders", now=NOW)

    assert before == {"reminders": "daily"}
    assert preferences_of(user)["reminders"] == "off"
    assert preferences_of(user)["new_case"] == "instant"


def test_unsubscribe_all_turns_every_kind_off(app):
    user, other = make_user(), make_user()

    unsubscribe(user, "all", now=NOW)

    assert preferences_of(user) == dict.fromkeys(KINDS, "off")
    assert preferences_of(other) == dict.fromkeys(KINDS, "instant")


def test_readers_loads_people_and_choices_at_once(app):
    quiet, plain = make_user(locale="en"), make_user()
    set_preferences(quiet, {"new_case": "off", "digests": "daily"}, now=NOW)

    found = readers({quiet.id, plain.id})

    assert {uid: (user.email, modes) for uid, (user, modes) in found.items()} == {
        quiet.id: (quiet.email, {**dict.fromkeys(KINDS, "instant"), "new_case": "off",
                                 "digests": "daily"}),
        plain.id: (plain.email, dict.fromkeys(KINDS, "instant"))}


# which mail carries which kind ----------------------------------------------------------------

def test_notices_carry_their_kind(app):
    cohort = make_cohort(slug="lab")
    host = cohort.created_by
    member = make_member(cohort)
    case = make_case(cohort)
    slot = schedule_of(cohort)[0]
    notices.mail_case_published(case=case, slot=slot, member=member, link="L", now=NOW)
    notices.mail_reminder(case=case, slot=slot, member=member, hours=24, link="L", now=NOW)
    notices.mail_queue_dry(cohort=cohort, host=host, dry_at=NOW, link="L", now=NOW)
    notices.mail_activity_digest(user=member, items=[("comment", "张三", case.title, None)],
                                 link_for=lambda s: "L", now=NOW, key="activity:1")
    membership = Membership.get(Membership.user == member)
    notices.mail_removed(membership=membership, titles=["案例"], link="L", now=NOW)
    notices.mail_password_reset(user=member, link="L", now=NOW, key="reset:1")

    kinds = {m.key: m.kind for m in OutboxMessage.select()}

    assert kinds == {
        f"case:{case.id}:announce:member:{member.id}": "new_case",
        f"case:{case.id}:reminder:24h:member:{member.id}": "reminders",
        f"cohort:{cohort.id}:queue-dry:{NOW:%Y%m%d%H%M}:host:{host.id}": "digests",
        "activity:1": "feedback",
        f"removal:membership:{membership.id}:{NOW:%Y%m%dT%H%M%S}": "",
        "reset:1": ""}


def test_slot_cancelled_always_reaches_its_guests_and_reminds_members(app):
    cohort = make_cohort(slug="lab")
    first, second = generate_slots(cohort, now=NOW)[:2]
    member = make_member(cohort)
    speaker, proposer = make_user(), make_user()
    talk = propose_talk(cohort, speaker, topic="从一个群到一张网", abstract="摘要",
                        preferred_slots=[first], now=NOW)
    propose_talk(cohort, proposer, topic="社区咖啡馆", abstract="摘要",
                 preferred_slots=[first, second], now=NOW)
    accept_talk(talk, first, actor=cohort.created_by, now=NOW)

    mail_slot_cancelled(cancel_slot(first, actor=cohort.created_by, now=NOW), link="L",
                        now=NOW)

    kinds = {m.user_id: m.kind for m in OutboxMessage.select().where(
        OutboxMessage.key.startswith("slot:"))}
    assert kinds == {cohort.created_by_id: "sharing", member.id: "sharing", speaker.id: "",
                     proposer.id: ""}


# the unsubscribe token ------------------------------------------------------------------------

def test_unsubscribe_token_reads_back_its_person_and_kind(app):
    user = make_user()
    token = mail_footer.unsubscribe_token(user, "reminders", secret=SECRET)

    found, kind = mail_footer.read_unsubscribe_token(token, secret=SECRET)

    assert (found.id, kind) == (user.id, "reminders")


def test_unsubscribe_token_of_another_person_names_that_person_only(app):
    alice, bob = make_user(), make_user()

    found, _ = mail_footer.read_unsubscribe_token(
        mail_footer.unsubscribe_token(alice, "all", secret=SECRET), secret=SECRET)

    assert (found.id, found.id != bob.id) == (alice.id, True)


def _refused(token):
    try:
        mail_footer.read_unsubscribe_token(token, secret=SECRET)
    except NotFound:
        return True
    return False


def test_unsubscribe_token_forged_or_broken_is_refused(app):
    user, other = make_user(), make_user()
    good = mail_footer.unsubscribe_token(user, "reminders", secret=SECRET)
    payload, signature = good.rsplit(".", 1)
    stamp = int(user.created_at.timestamp())
    forged = [
        f"{payload}.{signature[:-2]}xx",  # signature changed
        mail_footer.unsubscribe_token(user, "reminders", secret=SECRET)
        .replace(payload, URLSafeSerializer("x").dumps([other.id, "reminders", stamp])
                 .rsplit(".", 1)[0]),  # another person's id under this signature
        URLSafeSerializer("another-secret", salt="unsubscribe").dumps(
            [user.id, "reminders", stamp]),  # wrong key
        URLSafeSerializer(SECRET, salt="password-reset").dumps(
            [user.id, "reminders", stamp]),  # right key, wrong salt
        URLSafeSerializer(SECRET, salt="unsubscribe").dumps(
            [user.id, "membership", stamp]),  # a kind that cannot be turned off
        URLSafeSerializer(SECRET, salt="unsubscribe").dumps({"u": user.id}),  # wrong shape
        "", "x", "../../etc/passwd", "' OR 1=1 --",
    ]

    assert [_refused(token) for token in forged] == [True] * len(forged)
    assert _refused(good) is False


def test_unsubscribe_token_dies_with_the_account(app):
    user = make_user()
    token = mail_footer.unsubscribe_token(user, "reminders", secret=SECRET)
    User.delete().where(User.id == user.id).execute()
    # a new account that happens to get the same id is someone else
    make_user(id=user.id, created_at=user.created_at + timedelta(days=1))

    assert _refused(token) is True


def test_footer_of_kind_mail_has_unsubscribe_and_headers(app):
    user = make_user(locale="en")
    message = _mail("reminders", user)

    text, headers = mail_footer.footer_for(message, user, secret=SECRET,
                                           base_url="https://learn.example.org")

    url = mail_footer.unsubscribe_url(user, "reminders", secret=SECRET,
                                      base_url="https://learn.example.org")
    assert text == (f"Don't want these mails? Unsubscribe: {url}\n"
                    "All mail settings: https://learn.example.org/me/notifications")
    assert headers == {"List-Unsubscribe": f"<{url}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_footer_of_always_mail_has_only_the_settings_link(app):
    user = make_user(locale="en")

    text, headers = mail_footer.footer_for(_mail("", user), user, secret=SECRET,
                                           base_url="https://learn.example.org")

    assert (text, headers) == ("All mail settings: https://learn.example.org/me/notifications",
                               {})
