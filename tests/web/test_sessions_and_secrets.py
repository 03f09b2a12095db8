"""Sessions and secrets after a password change (issue "Hold under abuse and faults", point
5; docs/security.md "Sessions and secrets"): reset links end, API tokens and calendar links
are revoked when asked, idle sessions end on the server, the remember-me cookie is revocable."""
from datetime import timedelta

from learnclub import clock as app_clock
from learnclub.domain.accounts import api_tokens, credentials
from learnclub.domain.accounts.tokens import issue_token
from learnclub.domain.sharing.calendar import feed_readable, renew_calendar_token
from learnclub.models import AccessToken, CalendarToken, LoginSession, OneTimeToken
from tests.factories import PASSWORD, make_cohort, make_member, make_user

NEW = "a brand new passphrase"


def browser(app, user, remember=False):
    """A browser of its own, signed in through the login form."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def signed_in(client):
    return client.get("/profile").status_code == 200


def secrets_of(user):
    """An API token and a private calendar link of the user: (api secret, calendar secret)."""
    cohort = make_cohort(is_public=False)
    make_member(cohort, user)
    _token, api_secret = api_tokens.create_token(user, name="脚本", scope="read",
                                                 now=app_clock.now())
    _row, calendar_secret = renew_calendar_token(cohort, user, now=app_clock.now())
    return cohort, api_secret, calendar_secret


def still_work(user, cohort, api_secret, calendar_secret):
    return (api_tokens.authenticate(api_secret, now=app_clock.now()) is not None,
            feed_readable(cohort, calendar_secret))


def reset_link(user):
    return issue_token("reset", now=app_clock.now(), ttl=timedelta(hours=1), user=user)


# a reset link issued before a password change --------------------------------------------------

def test_password_change_ends_reset_links_issued_before(app):
    user = make_user()
    raw = reset_link(user)
    client = browser(app, user)

    changed = client.post("/account/password", data={"current": PASSWORD, "new": NEW})
    page = client.get(f"/password/reset/{raw}")
    used = app.test_client().post(f"/password/reset/{raw}", data={"password": "attacker pass"})

    assert changed.status_code == 302
    assert (page.status_code, page.location) == (302, "/password/forgot")
    assert (used.status_code, used.location) == (302, "/password/forgot")
    assert OneTimeToken.select().where(OneTimeToken.purpose == "reset").count() == 0
    assert app.test_client().post("/login", data={"email": user.email, "password": NEW}
                                  ).status_code == 302


def test_password_reset_ends_every_other_reset_link(app):
    user = make_user()
    first, second = reset_link(user), reset_link(user)
    client = app.test_client()

    client.post(f"/password/reset/{second}", data={"password": NEW})

    assert client.get(f"/password/reset/{first}").location.endswith("/password/forgot")
    assert OneTimeToken.select().where(OneTimeToken.purpose == "reset").count() == 0


# API tokens and calendar links -------------------------------------------------------------

def test_change_password_form_offers_revoking_ticked_by_default(app):
    client = browser(app, make_user())

    page = client.get("/account/password").get_data(as_text=True)

    assert ('<input checked id="revoke_secrets" name="revoke_secrets" type="checkbox" '
            'value="y">') in page


def test_change_password_revokes_api_tokens_and_calendar_links_when_ticked(app):
    user = make_user()
    held = secrets_of(user)
    client = browser(app, user)

    response = client.post("/account/password", data={"current": PASSWORD, "new": NEW,
                                                      "revoke_secrets": "y"})

    assert response.status_code == 302
    assert still_work(user, *held) == (False, False)
    assert AccessToken.select().where(AccessToken.revoked_at.is_null()).count() == 0
    assert CalendarToken.select().where(CalendarToken.revoked_at.is_null()).count() == 0


def test_change_password_keeps_tokens_when_unticked(app):
    user = make_user()
    held = secrets_of(user)
    client = browser(app, user)

    client.post("/account/password", data={"current": PASSWORD, "new": NEW})

    assert still_work(user, *held) == (True, True)


def test_reset_revokes_api_tokens_and_calendar_links_when_ticked(app):
    user = make_user()
    held = secrets_of(user)
    raw = reset_link(user)

    app.test_client().post(f"/password/reset/{raw}", data={"password": NEW,
                                                           "revoke_secrets": "y"})

    assert still_work(user, *held) == (False, False)


def test_sign_out_other_devices_revokes_tokens_when_ticked(app):
    user = make_user()
    held = secrets_of(user)
    here, there = browser(app, user), browser(app, user)

    page = here.get("/profile").get_data(as_text=True)
    here.post("/account/sessions/end-others", data={"revoke_secrets": "y"})

    assert 'name="revoke_secrets"' in page
    assert (signed_in(here), signed_in(there)) == (True, False)
    assert still_work(user, *held) == (False, False)


def test_other_users_secrets_are_untouched(app):
    user, other = make_user(), make_user()
    theirs = secrets_of(other)
    client = browser(app, user)

    client.post("/account/password", data={"current": PASSWORD, "new": NEW,
                                           "revoke_secrets": "y"})

    assert still_work(other, *theirs) == (True, True)


# idle sessions and the remember-me cookie --------------------------------------------------

def test_session_ends_on_the_server_after_the_idle_time(app, clock):
    user = make_user()
    client = browser(app, user)

    almost = credentials.IDLE - timedelta(hours=1)
    clock.advance(seconds=almost.total_seconds())
    alive = signed_in(client)  # a request restarts the idle time
    clock.advance(seconds=almost.total_seconds())
    still = signed_in(client)
    clock.advance(seconds=(credentials.IDLE + timedelta(minutes=1)).total_seconds())
    after = signed_in(client)

    assert (alive, still, after) == (True, True, False)
    assert LoginSession.select().where(LoginSession.user == user).count() == 0


def test_remembered_session_lasts_longer_then_ends_too(app, clock):
    user = make_user()
    client = browser(app, user, remember=True)
    cookie = client.get_cookie("remember_token")

    clock.advance(seconds=(credentials.IDLE + timedelta(hours=1)).total_seconds())
    alive = signed_in(client)
    clock.advance(seconds=(credentials.REMEMBERED_IDLE + timedelta(minutes=1)).total_seconds())
    after = signed_in(client)

    assert cookie is not None
    assert (alive, after) == (True, False)


def test_idle_session_restored_from_a_copied_cookie_does_not_work(app, clock):
    user = make_user()
    client = browser(app, user)
    session_cookie = client.get_cookie("session").value
    clock.advance(seconds=(credentials.IDLE + timedelta(hours=1)).total_seconds())

    thief = app.test_client()
    thief.set_cookie("session", session_cookie)

    assert signed_in(thief) is False


def test_remember_me_cookie_is_revoked_by_signing_out_other_devices(app):
    user = make_user()
    laptop = browser(app, user, remember=True)
    remember = laptop.get_cookie("remember_token").value
    phone = browser(app, user)

    phone.post("/account/sessions/end-others", data={})
    copied = app.test_client()  # the remember-me cookie alone, as a new browser sends it
    copied.set_cookie("remember_token", remember)

    assert signed_in(copied) is False
    assert signed_in(laptop) is False


def test_session_use_is_noted_at_most_every_few_minutes(app, clock):
    user = make_user()
    client = browser(app, user)
    first = LoginSession.get(LoginSession.user == user).last_seen_at

    clock.advance(minutes=1)
    signed_in(client)
    unchanged = LoginSession.get(LoginSession.user == user).last_seen_at
    clock.advance(minutes=5)
    signed_in(client)
    moved = LoginSession.get(LoginSession.user == user).last_seen_at

    assert unchanged == first
    assert moved >= first + timedelta(minutes=6)
    assert timedelta(days=7) == credentials.IDLE
