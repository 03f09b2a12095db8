"""Personal access tokens: made on /me/tokens and shown once, stored as a hash, revocable,
scoped; the API reads the Authorization header only, never the session cookie."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.db import db
from learnclub.domain.accounts import api_tokens as access_tokens
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.models import AccessToken
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.web.test_corpora import html_of, naughty_strings, refused, xss_payloads


def _secret_on(page):
    return re.search(r'id="token-secret"[^>]*>(lc_[A-Za-z0-9_-]+)</textarea>', page).group(1)


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(client, login_as):
    user = login_as(make_user())

    created = client.post("/me/tokens", data={"name": "Notion 同步", "scope": "read"})
    secret = _secret_on(created.get_data(as_text=True))
    listing = client.get("/me/tokens").get_data(as_text=True)

    token = AccessToken.get(AccessToken.user == user)
    stored = db.execute_sql("SELECT * FROM access_token").fetchall()
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    assert "will not be shown again" in created.get_data(as_text=True)
    assert (token.name, token.scope, token.prefix) == ("Notion 同步", "read", secret[:10])
    assert token.token_hash == access_tokens.digest(secret)
    assert [value for row in stored for value in row if secret in str(value)] == []
    assert secret not in listing
    assert f"{secret[:10]}…" in listing
    assert "Notion 同步" in listing


def test_token_secret_is_not_kept_in_the_cookie_session(client, login_as):
    login_as(make_user())

    created = client.post("/me/tokens", data={"name": "脚本", "scope": "write"})

    cookies = " ".join(created.headers.getlist("Set-Cookie"))
    secret = _secret_on(created.get_data(as_text=True))
    assert secret[3:20] not in cookies
    assert client.get("/me/tokens").get_data(as_text=True).count(secret) == 0


def test_token_form_refuses_an_empty_name_and_an_unknown_scope(client, login_as):
    login_as(make_user())

    empty = client.post("/me/tokens", data={"name": "  ", "scope": "read"})
    odd = client.post("/me/tokens", data={"name": "x", "scope": "admin"})

    assert (empty.status_code, odd.status_code) == (422, 422)
    assert "Name is required." in empty.get_data(as_text=True)
    assert "Choose what the token may do." in odd.get_data(as_text=True)
    assert AccessToken.select().count() == 0


def test_revoked_token_gets_401_at_once(client, login_as):
    user = login_as(make_user())
    token, secret = access_tokens.create_token(user, name="ci", scope="read", now=T0)
    headers = {"Authorization": f"Bearer {secret}"}
    before = client.get("/api/v1/me", headers=headers)

    page = client.post(f"/me/tokens/{token.id}/revoke", follow_redirects=True)
    after = client.get("/api/v1/me", headers=headers)

    assert before.status_code == 200
    assert "revoked" in page.get_data(as_text=True)
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"] == 'Bearer realm="learnclub", error="invalid_token"'
    assert after.get_json()["error"]["code"] == "unauthorized"
    assert access_tokens.tokens_of(user) == []


def test_someone_elses_token_cannot_be_revoked(client, login_as):
    owner = make_user()
    token, secret = access_tokens.create_token(owner, name="mine", scope="read", now=T0)
    login_as(make_user())

    response = client.post(f"/me/tokens/{token.id}/revoke")

    assert response.status_code == 404
    assert AccessToken.get_by_id(token.id).revoked_at is None
    with pytest.raises(NotAllowed):
        access_tokens.revoke_token(token, actor=make_user(), now=T0)


def test_read_token_is_refused_on_put_and_nothing_is_written(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    learner = make_member(cohort)

    response = client.put(f"/api/v1/cohorts/{cohort.slug}/cases/{case.id}/homework/mine",
                          json={"body": "我的作业"}, headers=bearer(learner, scope="read"))

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert case.submissions.count() == 0


def test_api_ignores_the_session_cookie(client, login_as):
    login_as(make_user())

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="learnclub"'


def test_api_refuses_other_schemes_and_unknown_secrets(client):
    user = make_user()
    _token, secret = access_tokens.create_token(user, name="x", scope="read", now=T0)

    statuses = [client.get("/api/v1/me", headers={"Authorization": value}).status_code
                for value in (f"Basic {secret}", "Bearer", "Bearer lc_nope", secret,
                              f"Bearer {secret}x", "Bearer " + "é" * 300)]

    assert statuses == [401] * 6
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer  {secret} "}
                      ).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(app):
    user = make_user()
    _token, secret = access_tokens.create_token(user, name="x", scope="read", now=T0)

    first = access_tokens.authenticate(secret, now=T0 + timedelta(seconds=5))
    access_tokens.authenticate(secret, now=T0 + timedelta(seconds=50))
    within = AccessToken.get_by_id(first.id).last_used_at
    access_tokens.authenticate(secret, now=T0 + timedelta(seconds=70))
    later = AccessToken.get_by_id(first.id).last_used_at

    assert within == T0 + timedelta(seconds=5)
    assert later == T0 + timedelta(seconds=70)
    assert first.user.id == user.id


def test_create_token_checks_name_and_scope(app):
    user = make_user()

    with pytest.raises(DomainError) as long_name:
        access_tokens.create_token(user, name="名" * 101, scope="read", now=T0)
    with pytest.raises(DomainError) as scope:
        access_tokens.create_token(user, name="ok", scope="admin", now=T0)

    assert (long_name.value.field, scope.value.field) == ("name", "scope")
    token, secret = access_tokens.create_token(user, name="ok", scope="write", now=T0)
    assert (secret.startswith("lc_"), len(secret) > 40, token.scope) == (True, True, "write")


def test_token_names_take_the_corpora_and_the_list_shows_them_escaped(client, login_as):
    user = login_as(make_user())
    texts = naughty_strings() + xss_payloads()

    failures, kept = [], []
    for text in texts:
        try:
            access_tokens.create_token(user, name=text, scope="read", now=T0)
        except DomainError as exc:
            if not (refused(text) or len(text) > access_tokens.NAME_MAX) or exc.field != "name":
                failures.append(("refused", text))
            continue
        kept.append(text)
    stored = [t.name for t in AccessToken.select(AccessToken.name).order_by(AccessToken.id)]
    page = html_of(client.get("/me/tokens"))

    assert failures == []
    assert stored == kept
    assert len(kept) > 5000
    shown = re.findall(r'<strong class="token-name">(.*?)</strong>', page, flags=re.DOTALL)
    assert shown == [str(escape(text)) for text in reversed(kept)]  # newest first
    # nothing runs but the site's own scripts (forms.js on every page)
    own = re.sub(r'<script src="/static/[\w.-]+\.js(\?v=[0-9a-f]{12})?"></script>', "", page)
    assert "<script" not in own.split("<main", 1)[1].lower()
