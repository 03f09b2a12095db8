"""Accounts through the real pages: setup, sign-up, sign-in, sessions, passwords."""
import re

from learnclub import clock
from learnclub.db import db
from learnclub.domain.accounts import auth as accounts
from learnclub.domain.accounts.passwords import verify_password
from learnclub.models import LoginSession, OutboxMessage, User
from tests.factories import PASSWORD, make_user


def _last_link(path_prefix):
    body = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first().body
    return re.search(rf"http://localhost({re.escape(path_prefix)}[\w-]+)", body).group(1)


def test_setup_link_creates_first_host_once(client):
    token = accounts.issue_setup_token(now=clock.now())

    response = client.post(f"/setup/{token}", data={
        "email": "Host@Example.org", "display_name": "周明远", "password": "a long passphrase"})

    assert response.status_code == 302
    host = User.get(User.email == "host@example.org")
    assert (host.is_admin, host.can_host, host.display_name) == (True, True, "周明远")
    assert client.get(f"/setup/{token}").status_code == 410
    assert accounts.issue_setup_token(now=clock.now()) is None


def test_setup_link_with_wrong_token_is_refused(client):
    accounts.issue_setup_token(now=clock.now())

    response = client.get("/setup/not-the-token")

    assert response.status_code == 410
    assert User.select().count() == 0


def test_setup_refuses_short_password_and_changes_nothing(client):
    token = accounts.issue_setup_token(now=clock.now())

    response = client.post(f"/setup/{token}", data={
        "email": "host@example.org", "display_name": "Host", "password": "short"})

    assert response.status_code == 200
    assert "Use at least 8 characters." in response.get_data(as_text=True)
    assert User.select().count() == 0


def test_signup_confirms_by_mail_then_signs_in(client):
    response = client.post("/signup", data={
        "email": "new@example.org", "display_name": "林小雨", "password": "twelve chars!"})
    assert response.status_code == 200
    assert User.select().count() == 0

    link = _last_link("/signup/confirm/")
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    user = User.get(User.email == "new@example.org")
    assert user.display_name == "林小雨"
    assert client.get("/profile").status_code == 200


def test_signup_with_registered_email_answers_the_same(client):
    make_user(email="taken@example.org")
    fresh = client.post("/signup", data={
        "email": "fresh@example.org", "display_name": "A", "password": "twelve chars!"})
    taken = client.post("/signup", data={
        "email": "taken@example.org", "display_name": "A", "password": "twelve chars!"})

    page = lambda r: r.get_data(as_text=True).replace("fresh@", "X@").replace("taken@", "X@")  # noqa: E731
    assert page(fresh) == page(taken)
    mails = [(m.to_addr, m.key.split(":")[0])
             for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    assert mails == [("fresh@example.org", "signup"), ("taken@example.org", "signup-existing")]


def test_login_wrong_password_and_unknown_email_say_the_same(client):
    make_user(email="known@example.org")

    wrong = client.post("/login", data={"email": "known@example.org", "password": "nope nope"})
    unknown = client.post("/login", data={"email": "ghost@example.org", "password": "nope nope"})

    assert wrong.status_code == unknown.status_code == 200
    assert wrong.get_data(as_text=True).replace("known@", "X@") == \
        unknown.get_data(as_text=True).replace("ghost@", "X@")
    assert "Email or password is not right." in wrong.get_data(as_text=True)


def test_login_is_throttled_after_five_failures(client):
    user = make_user(email="target@example.org")
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password"})

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_logout_kills_a_copied_session_cookie(app, client, login_as):
    user = login_as(make_user())
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    assert thief.get("/profile").status_code == 200

    client.post("/logout")

    assert thief.get("/profile").status_code == 302
    assert LoginSession.select().where(LoginSession.user == user).count() == 0


def test_password_change_signs_out_other_sessions(app, client, login_as):
    user = make_user()
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    login_as(user)

    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "a brand new passphrase"})

    assert response.status_code == 302
    assert other.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 200


def test_password_reset_by_mailed_link_works_once(client):
    user = make_user(email="forgetful@example.org")
    client.post("/password/forgot", data={"email": "forgetful@example.org"})
    link = _last_link("/password/reset/")

    response = client.post(link, data={"password": "new passphrase here"})

    assert response.status_code == 302
    assert verify_password(User.get_by_id(user.id).password_hash, "new passphrase here")
    again = client.post(link, data={"password": "another passphrase"})
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/password/forgot")


def test_forgot_password_for_unknown_email_sends_nothing_and_says_the_same(client):
    make_user(email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"},
                        follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"},
                          follow_redirects=True)

    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert [m.to_addr for m in OutboxMessage.select()] == ["known@example.org"]


def test_open_redirect_after_login_is_refused(client):
    user = make_user()

    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": PASSWORD})

    assert response.headers["Location"] == "/"


def test_session_rows_survive_in_database_for_other_processes(client, login_as):
    user = login_as(make_user())

    with db.atomic():
        count = LoginSession.select().where(LoginSession.user == user).count()

    assert count == 1


def test_signup_continues_where_it_started(client):
    client.post("/signup", data={"email": "late@example.org", "display_name": "晚到",
                                 "password": "twelve chars!", "next": "/c/lab/apply"})

    confirmed = client.post(_last_link("/signup/confirm/"))

    assert confirmed.headers["Location"] == "/c/lab/apply"


def test_signup_never_continues_to_another_site(client):
    client.post("/signup", data={"email": "evil@example.org", "display_name": "X",
                                 "password": "twelve chars!", "next": "//evil.example/x"})

    confirmed = client.post(_last_link("/signup/confirm/"))

    assert confirmed.headers["Location"] == "/"


def test_sign_out_all_other_devices(app, client, login_as):
    user = make_user()
    phone = app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD})
    login_as(user)
    assert "signed in on 1 other device" in client.get("/profile").get_data(as_text=True)

    client.post("/account/sessions/end-others")

    assert phone.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 200
    assert LoginSession.select().where(LoginSession.user == user).count() == 1
