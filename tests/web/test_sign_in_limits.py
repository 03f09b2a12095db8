"""Sign-in limits: the per-address limit never refuses another account's right password,
limits answer 429 with Retry-After, and counting an attempt is one step with checking it."""
import contextlib
import logging
from datetime import timedelta

from learnclub.domain.accounts import limits
from learnclub.domain.accounts.auth import authenticate
from learnclub.domain.errors import DomainError, Throttled
from learnclub.models import LoginAttempt
from tests.factories import PASSWORD, make_user
from tests.test_concurrency import run_together

ATTACKER = "198.51.100.9"


def _post(client, email, password, ip=ATTACKER):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _flood(client, n, ip=ATTACKER):
    """n wrong sign-ins from one address, each for a made-up account."""
    return [_post(client, f"nobody{i}@example.org", "wrong password", ip).status_code
            for i in range(n)]


def test_an_address_over_its_limit_still_lets_a_right_password_in(client):
    user = make_user(email="real@example.org")
    codes = _flood(client, limits.ADDRESS_LIMIT)

    response = _post(client, user.email, PASSWORD)

    assert codes == [200] * limits.ADDRESS_LIMIT
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200


def test_an_address_over_its_limit_gets_429_in_both_languages(client, clock):
    clock.travel_to(clock.now(), frozen=True)
    make_user(email="real@example.org")
    _flood(client, limits.ADDRESS_LIMIT)

    wrong = _post(client, "real@example.org", "wrong password")
    unknown = _post(client, "ghost@example.org", "wrong password")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = _post(client, "ghost2@example.org", "wrong password")

    assert (wrong.status_code, unknown.status_code, chinese.status_code) == (429, 429, 429)
    assert wrong.headers["Retry-After"] == unknown.headers["Retry-After"] == str(15 * 60)
    assert wrong.get_data(as_text=True).replace("real@", "X@") == \
        unknown.get_data(as_text=True).replace("ghost@", "X@")
    assert "Too many sign-in attempts. Try again in 15 minutes." in wrong.get_data(as_text=True)
    assert "登录尝试次数过多，请 15 分钟后再试。" in chinese.get_data(as_text=True)


def test_another_address_is_not_slowed_by_a_flooding_one(client):
    _flood(client, limits.ADDRESS_LIMIT)

    response = _post(client, "ghost@example.org", "wrong password", ip="192.0.2.44")

    assert response.status_code == 200
    assert "Email or password is not right." in response.get_data(as_text=True)


def test_an_address_limit_passes_after_the_window(client, clock):
    _flood(client, limits.ADDRESS_LIMIT)
    clock.advance(minutes=16)

    response = _post(client, "ghost@example.org", "wrong password")

    assert response.status_code == 200


def test_an_account_limit_answers_429_with_retry_after(client, clock):
    clock.travel_to(clock.now(), frozen=True)
    user = make_user(email="target@example.org")
    codes = [_post(client, user.email, "wrong password", ip=f"192.0.2.{i}").status_code
             for i in range(limits.ACCOUNT_LIMIT)]

    response = _post(client, user.email, PASSWORD, ip="192.0.2.200")

    assert codes == [200] * limits.ACCOUNT_LIMIT
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(15 * 60)
    assert "Too many sign-in attempts. Try again in 15 minutes." in response.get_data(as_text=True)
    clock.advance(minutes=16)
    assert _post(client, user.email, PASSWORD, ip="192.0.2.200").status_code == 302


def test_a_right_password_clears_the_address_attempt_it_used(client):
    user = make_user(email="real@example.org")
    _flood(client, limits.ADDRESS_LIMIT - 1)

    for _ in range(3):
        assert _post(client, user.email, PASSWORD).status_code == 302
        client.post("/logout")

    assert _post(client, "ghost@example.org", "wrong password").status_code == 200


def test_concurrent_wrong_passwords_get_exactly_the_limit_of_evaluations(app, clock):
    user = make_user()
    now = clock.now()

    results = run_together(*[lambda i=i: authenticate(user.email, "not the password",
                                                      ip=f"10.0.0.{i}", now=now)
                             for i in range(24)])

    kinds = [type(value).__name__ for _, value in results]
    assert all(kind == "error" for kind, _ in results)
    assert kinds.count("DomainError") == limits.ACCOUNT_LIMIT  # the password was checked
    assert kinds.count("Throttled") == 24 - limits.ACCOUNT_LIMIT
    assert all(isinstance(value, DomainError) for _, value in results)
    assert all(value.retry_after > 0 for _, value in results if isinstance(value, Throttled))


def test_a_forwarded_for_header_without_trust_proxy_is_warned_about(app, client, caplog):
    with caplog.at_level(logging.WARNING, logger="learnclub"):
        client.get("/login", headers={"X-Forwarded-For": "203.0.113.5"})
        client.get("/login", headers={"X-Forwarded-For": "203.0.113.6"})

    warnings = [r for r in caplog.records if "LEARNCLUB_TRUST_PROXY" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


def test_a_forwarded_for_header_with_trust_proxy_is_believed_quietly(make_app, caplog):
    client = make_app(WTF_CSRF_ENABLED=False, TRUST_PROXY=True).test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for i in range(limits.ADDRESS_LIMIT):
        client.post("/login", data={"email": f"nobody{i}@example.org", "password": "wrong pw!"},
                    headers={"X-Forwarded-For": ATTACKER})

    with caplog.at_level(logging.WARNING, logger="learnclub"):
        flooded = client.post("/login", data={"email": "x@example.org", "password": "wrong pw!"},
                              headers={"X-Forwarded-For": ATTACKER})
        other = client.post("/login", data={"email": "x@example.org", "password": "wrong pw!"},
                            headers={"X-Forwarded-For": "192.0.2.7"})

    assert (flooded.status_code, other.status_code) == (429, 200)
    assert not [r for r in caplog.records if "LEARNCLUB_TRUST_PROXY" in r.getMessage()]


def test_old_attempts_are_forgotten(app, clock):
    for i in range(3):
        with contextlib.suppress(DomainError):
            authenticate(f"n{i}@example.org", "wrong password", ip=ATTACKER, now=clock.now())
    clock.advance(days=2)
    with contextlib.suppress(DomainError):
        authenticate("m@example.org", "wrong password", ip=ATTACKER, now=clock.now())

    assert LoginAttempt.select().count() == 2  # the new one, for its account and its address
    assert LoginAttempt.select().where(LoginAttempt.at < clock.now() - timedelta(days=1)
                                       ).count() == 0
