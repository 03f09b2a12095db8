"""Unit tests of the plain rules: text, passwords, cohort settings, throttling, tokens."""
from datetime import timedelta

import pytest

from learnclub.domain.accounts import limits
from learnclub.domain.accounts.passwords import check_password_rule, hash_password, verify_password
from learnclub.domain.accounts.tokens import issue_token, use_token
from learnclub.domain.cohorts.settings import validate_settings
from learnclub.domain.errors import Conflict, DomainError, Throttled
from learnclub.domain.text import check_text
from learnclub.models import LoginAttempt
from tests.factories import T0, default_settings


def _same(s):
    return s


def test_text_is_returned_exactly():
    value = "  前后空格\r\n和换行\t "
    assert check_text(value, field="f", label="L") == value


def test_text_required_refuses_whitespace_only():
    with pytest.raises(DomainError) as exc:
        check_text(" \u3000\n", field="name", label="Name", required=True)
    assert (exc.value.field, exc.value.message) == ("name", "Name is required.")


def test_text_refuses_nul():
    with pytest.raises(DomainError) as exc:
        check_text("a\x00b", field="city", label="City")
    assert exc.value.field == "city"


def test_text_length_limit_counts_characters_not_bytes():
    assert check_text("长" * 300, field="c", label="City") == "长" * 300
    with pytest.raises(DomainError):
        check_text("长" * 301, field="c", label="City")


@pytest.mark.parametrize(("password", "ok"), [
    ("1234567", False), ("12345678", True), ("密码密码密码密码", True), ("x" * 128, True),
    ("x" * 129, False), ("        ", True),
])
def test_password_rule_is_length_only(password, ok):
    if ok:
        assert check_password_rule(password, tr=_same) == password
    else:
        with pytest.raises(DomainError):
            check_password_rule(password, tr=_same)


def test_password_hash_is_argon2id_and_verifies():
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert (verify_password(hashed, "correct horse"), verify_password(hashed, "wrong")) == (
        True, False)
    assert verify_password(None, "anything") is False


def test_settings_defaults_are_valid():
    settings = default_settings()
    assert validate_settings(settings) is settings


@pytest.mark.parametrize(("overrides", "field"), [
    ({"cadence_min_days": 5, "cadence_target_days": 4}, "cadence_target_days"),
    ({"cadence_target_days": 6}, "cadence_target_days"),
    ({"timezone": "Asia/Beijing"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"sharing_time": "24:00"}, "sharing_time"),
    ({"sharing_time": "8pm"}, "sharing_time"),
    ({"reminder_hours": "24,abc"}, "reminder_hours"),
    ({"reminder_hours": "0"}, "reminder_hours"),
    ({"admission": "open"}, "admission"),
    ({"peer_visibility": "never"}, "peer_visibility"),
    ({"sharing_weekday": 7}, "sharing_weekday"),
    ({"name": "  "}, "name"),
])
def test_settings_refuse_bad_values(overrides, field):
    with pytest.raises(DomainError) as exc:
        validate_settings(default_settings(**overrides))
    assert exc.value.field == field


def test_settings_normalise_reminder_hours():
    assert validate_settings(default_settings(reminder_hours=" 2, 24,2"))["reminder_hours"] \
        == "24,2"


def test_account_waits_after_five_failures_in_the_window(app):
    for minute in range(5):
        limits.begin_sign_in("a@example.org", "10.0.0.1", now=T0 + timedelta(minutes=minute),
                             tr=_same)

    with pytest.raises(Throttled) as exc:
        limits.begin_sign_in("A@Example.org ", "10.0.0.2", now=T0 + timedelta(minutes=5),
                             tr=_same)
    limits.begin_sign_in("a@example.org", "10.0.0.2", now=T0 + timedelta(minutes=16), tr=_same)
    assert exc.value.retry_after == 600
    limits.begin_sign_in("b@example.org", "10.0.0.1", now=T0 + timedelta(minutes=5), tr=_same)


def test_address_limit_refuses_only_what_fails(app):
    for n in range(30):
        limits.begin_sign_in(f"user{n}@example.org", "10.9.9.9", now=T0, tr=_same)

    attempt = limits.begin_sign_in("fresh@example.org", "10.9.9.9", now=T0, tr=_same)
    with pytest.raises(Throttled):
        limits.failed(attempt, tr=_same)
    assert LoginAttempt.select().count() == 62
    limits.succeeded(attempt)  # a right password is let in and forgets this attempt
    assert LoginAttempt.select().count() == 60


def test_token_works_once_and_expires(app):
    first = issue_token("reset", now=T0, ttl=timedelta(hours=1))
    late = issue_token("reset", now=T0, ttl=timedelta(hours=1))

    assert use_token("reset", first, now=T0, tr=_same).purpose == "reset"
    with pytest.raises(Conflict):
        use_token("reset", first, now=T0, tr=_same)
    with pytest.raises(Conflict):
        use_token("reset", late, now=T0 + timedelta(hours=1), tr=_same)
    with pytest.raises(Conflict):
        use_token("setup", late, now=T0, tr=_same)
