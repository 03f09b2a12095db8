"""What every page shares: languages, headers, error pages, CSRF, health."""
import re

from learnclub.models import User
from tests.factories import make_cohort, make_user


def test_language_follows_the_browser(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    chinese = client.get("/login").get_data(as_text=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    english = client.get("/login").get_data(as_text=True)

    assert '<html lang="zh-Hans">' in chinese
    assert "登录" in chinese
    assert '<html lang="en">' in english
    assert "Sign in" in english


def test_language_switch_is_remembered_on_the_account(client, login_as):
    user = login_as(make_user())

    client.get("/lang/zh_Hans_CN?next=/profile")
    page = client.get("/profile").get_data(as_text=True)

    assert User.get_by_id(user.id).locale == "zh_Hans_CN"
    assert "个人资料" in page


def test_language_switch_without_account_uses_a_cookie(client):
    response = client.get("/lang/zh_Hans_CN")

    assert "lang=zh_Hans_CN" in response.headers["Set-Cookie"]
    assert '<html lang="zh-Hans">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_not_found(client):
    assert client.get("/lang/fr").status_code == 404


def test_security_headers_on_every_page(client):
    response = client.get("/")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert (response.headers["X-Content-Type-Options"], response.headers["Referrer-Policy"]) == (
        "nosniff", "same-origin")


def test_no_inline_script_or_style_in_templates(client):
    html = client.get("/").get_data(as_text=True) + client.get("/login").get_data(as_text=True)

    assert re.findall(r"<script(?![^>]*\ssrc=)", html) == []
    assert re.findall(r"\sstyle=", html) == []


def test_cookies_are_secure_behind_https(make_app):
    app = make_app(BASE_URL="https://club.example.org", SESSION_COOKIE_SECURE=True,
                   REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()

    response = client.get("/lang/en", base_url="https://club.example.org")

    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_not_found_page_is_friendly_in_both_languages(client):
    english = client.get("/no/such/page")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = client.get("/no/such/page")

    assert (english.status_code, chinese.status_code) == (404, 404)
    assert "There is nothing at this address" in english.get_data(as_text=True)
    assert "页面不存在" in chinese.get_data(as_text=True) or "找不到" in chinese.get_data(
        as_text=True)


def test_forbidden_page_explains(client, login_as):
    cohort = make_cohort()
    login_as(make_user())

    response = client.get(f"/c/{cohort.slug}/settings")

    assert response.status_code == 403
    assert "for members of the cohort with the right role" in response.get_data(as_text=True)


def test_csrf_is_required_on_forms(make_app):
    app = make_app()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    make_user(email="csrf@example.org")

    without = client.post("/login", data={"email": "csrf@example.org", "password": "x" * 10})
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with_token = client.post("/login", data={"email": "csrf@example.org", "password": "x" * 10,
                                             "csrf_token": token})

    assert without.status_code == 400
    assert "The form expired" in without.get_data(as_text=True)
    assert with_token.status_code == 200


def test_healthz_checks_the_database(client, app):
    from learnclub.db import close_pool, db

    ok = client.get("/healthz")
    original = db.obj.database
    db.obj.database = "/nonexistent/dir/learnclub.db" if original.endswith(".db") else "nodb_x"
    try:
        close_pool()  # not only back to the pool: the next connection is a new one
        down = client.get("/healthz")
    finally:
        db.obj.database = original
        db.connect()

    assert (ok.status_code, ok.get_json()["status"]) == (200, "ok")
    assert (down.status_code, down.get_json()["status"]) == (503, "error")


def test_server_error_page_is_friendly(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def _boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test")

    assert response.status_code == 500
    assert "Something broke on our side" in response.get_data(as_text=True)
