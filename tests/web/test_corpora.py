"""Every text field takes the Big List of Naughty Strings: no server error, stored exactly as
typed (or refused with a clear message), shown back escaped; XSS payloads stay text.

Many fields go in one request so the 515 strings run in seconds, not minutes.
"""
import re

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from markupsafe import escape

from learnclub.domain.accounts import passwords, profiles
from learnclub.domain.cohorts import settings as cohorts
from learnclub.models import Application, Cohort, OneTimeToken, OutboxMessage, User
from tests import corpora
from tests.factories import PASSWORD, default_settings, make_cohort, make_user

PROFILE_FIELDS = list(profiles.PROFILE_FIELDS)
ENGLISH = {"Accept-Language": "en"}


def naughty_strings():
    strings = corpora.naughty_strings()
    assert len(strings) == 515
    return strings


def xss_payloads():
    lines = corpora.xss_payloads()
    assert len(lines) == 6613
    return lines


def refused(text):
    """Required fields refuse what is empty or only whitespace; everything else is kept."""
    return not text.strip()


def html_of(response):
    return response.get_data(as_text=True)


def says_required(response, field):
    """The form came back with "<label> is required." under the field."""
    pattern = rf'<p class="error" id="{field}-error">[^<]+ is required\.</p>'
    return response.status_code == 200 and re.search(pattern, html_of(response)) is not None


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)


def profile_row(user_id):
    user = User.get_by_id(user_id)
    return {f: getattr(user, f) for f in PROFILE_FIELDS}


def settings_row(cohort_id):
    cohort = Cohort.get_by_id(cohort_id)
    return {f: getattr(cohort, f) for f in cohorts.SETTING_FIELDS}


def settings_form(**overrides):
    """The settings form as a browser posts it: every setting valid, checkboxes as "y"."""
    form = {}
    for name, value in default_settings(**overrides).items():
        if value is None:  # an empty date (the cohort's last day) is not sent
            continue
        if isinstance(value, bool):
            if value:
                form[name] = "y"
        else:
            form[name] = str(value)
    return form


def application_row(cohort, user):
    application = Application.get_or_none((Application.cohort == cohort)
                                          & (Application.user == user))
    if application is None:
        return None
    return {f: getattr(application, f)
            for f in ("motivation", "background", "status", "decision_message")}


def not_shown(html, text, times, where):
    """[] if the escaped text is on the page at least `times` times (once for each place that
    shows it), else the failure."""
    count = html.count(str(escape(text)))
    return [] if count >= times else [(where, text, f"shown {count} of {times} times")]


def test_profile_takes_every_naughty_string(client, login_as):
    user = login_as(make_user(locale="en"))
    failures = []
    for text in naughty_strings():
        before = profile_row(user.id)
        response = client.post("/profile", data=dict.fromkeys(PROFILE_FIELDS, text))
        after = profile_row(user.id)
        if refused(text):
            if after != before or not says_required(response, "display_name"):
                failures.append(("refusal", text, response.status_code))
            continue
        if (response.status_code, after) != (302, dict.fromkeys(PROFILE_FIELDS, text)):
            failures.append(("stored", text, response.status_code, after))
            continue
        page = client.get(f"/u/{user.id}")
        if page.status_code != 200:
            failures.append(("page", text, page.status_code))
            continue
        # the title and heading (name), the line of city · industry · company, offer, looking for
        failures += not_shown(html_of(page), text, 7, "profile page")

    assert failures == []


def test_profile_refuses_nul_character_and_keeps_old_values(client, login_as):
    user = login_as(make_user(locale="en"))
    before = profile_row(user.id)

    response = client.post("/profile", data=dict.fromkeys(PROFILE_FIELDS, "社群\x00运营"))

    assert response.status_code == 200
    assert re.search(r'id="display_name-error">[^<]+ contains a NUL character',
                     html_of(response)) is not None
    assert profile_row(user.id) == before


def test_profile_keeps_line_breaks_as_typed(client, login_as):
    user = login_as(make_user())
    text = "第一行\r\n第二行\n\n第三行\r第四行\r\n"

    response = client.post("/profile", data=dict.fromkeys(PROFILE_FIELDS, text))

    assert response.status_code == 302
    assert profile_row(user.id) == dict.fromkeys(PROFILE_FIELDS, text)


def test_profile_shows_intro_as_rendered_markdown(client, login_as):
    user = login_as(make_user())
    client.post("/profile", data={"display_name": "冯宝宝", "intro_md": "**重点**很重要"})

    html = html_of(client.get(f"/u/{user.id}"))

    assert re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1) == (
        "<p><strong>重点</strong>很重要</p>")


def test_cohort_settings_take_every_naughty_string(client, login_as):
    host = login_as(make_user(can_host=True, locale="en"))
    cohort = make_cohort(host)
    failures = []
    for text in naughty_strings():
        before = settings_row(cohort.id)
        response = client.post(f"/c/{cohort.slug}/settings",
                               data=settings_form(name=text, description_md=text))
        after = settings_row(cohort.id)
        if refused(text):
            if after != before or not says_required(response, "name"):
                failures.append(("refusal", text, response.status_code))
            continue
        stored = (after["name"], after["description_md"])
        if (response.status_code, stored) != (302, (text, text)):
            failures.append(("stored", text, response.status_code, stored))
            continue
        page = client.get(f"/c/{cohort.slug}/")
        if page.status_code != 200:
            failures.append(("page", text, page.status_code))
            continue
        failures += not_shown(html_of(page), text, 3, "cohort page")  # title, heading, tabs

    assert failures == []


def test_application_and_decision_take_every_naughty_string(app, client, login_as):
    host = make_user(can_host=True, locale="en")
    cohort = make_cohort(host)
    applicant = login_as(make_user(locale="en"))
    host_client = app.test_client()
    sign_in(host_client, host)
    apply_url = f"/c/{cohort.slug}/apply"
    failures = []
    for text in naughty_strings():
        before = application_row(cohort, applicant)
        response = client.post(apply_url, data={"motivation": text, "background": text})
        after = application_row(cohort, applicant)
        if refused(text):
            if after != before or not says_required(response, "motivation"):
                failures.append(("refusal", text, response.status_code))
            # a valid application, so the host's message below can still be tried with `text`
            response = client.post(apply_url, data={"motivation": "想系统学习社群运营",
                                                    "background": ""})
        elif (response.status_code, after["motivation"], after["background"],
              after["status"]) != (302, text, text, "submitted"):
            failures.append(("stored", text, response.status_code, after))
            continue
        assert response.status_code == 302, html_of(response)
        application = Application.get(Application.user == applicant)

        response = host_client.post(
            f"/c/{cohort.slug}/applications/{application.id}/rejected", data={"message": text})
        after = application_row(cohort, applicant)
        if (response.status_code, after["status"], after["decision_message"]) != (
                302, "rejected", text):
            failures.append(("decision", text, response.status_code, after))
            continue
        page = host_client.get(f"/c/{cohort.slug}/applications?status=rejected")
        if page.status_code != 200:
            failures.append(("review page", text, page.status_code))
            continue
        if not refused(text):
            # motivation, background and the message sent
            failures += not_shown(html_of(page), text, 3, "review page")

    assert failures == []


def test_apply_without_background_field_stores_empty_background(client, login_as):
    cohort = make_cohort()
    applicant = login_as(make_user(locale="en"))

    response = client.post(f"/c/{cohort.slug}/apply", data={"motivation": "想系统学习社群运营"})

    assert response.status_code == 302, html_of(response)
    assert application_row(cohort, applicant) == {
        "motivation": "想系统学习社群运营", "background": "", "status": "submitted",
        "decision_message": ""}


def confirm_link(email):
    body = OutboxMessage.get(OutboxMessage.to_addr == email).body
    return re.search(r"http://localhost(/signup/confirm/\S+)", body).group(1)


def test_signup_takes_every_naughty_display_name(client, monkeypatch):
    # Real Argon2id, with the parameters argon2-cffi provides for tests: at the production
    # cost (~0.1 s a hash) the 513 sign-ups alone would take a minute.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
    failures = []
    for n, text in enumerate(naughty_strings()):
        email = f"naughty{n}@example.org"
        tokens = OneTimeToken.select().count()
        # each from an address of its own: one address may ask for 10 sign-up mails an hour
        response = client.post("/signup", headers=ENGLISH, data={
            "email": email, "display_name": text, "password": PASSWORD},
            environ_overrides={"REMOTE_ADDR": f"10.0.{n // 256}.{n % 256}"})
        if refused(text):
            if OneTimeToken.select().count() != tokens or not says_required(response,
                                                                            "display_name"):
                failures.append(("refusal", text, response.status_code))
            continue
        if response.status_code != 200 or "Check your mail" not in html_of(response):
            failures.append(("signup", text, response.status_code))
            continue
        response = client.post(confirm_link(email), headers=ENGLISH)
        user = User.get_or_none(User.email == email)
        if response.status_code != 302 or user is None or user.display_name != text:
            failures.append(("stored", text, response.status_code, user and user.display_name))
            continue
        page = client.get(f"/u/{user.id}")
        if page.status_code != 200:
            failures.append(("page", text, page.status_code))
            continue
        failures += not_shown(html_of(page), text, 2, "profile page")  # title and heading

    assert failures == []


def fit(payloads, limit):
    """As many whole payloads, one a line, as fit in `limit` characters."""
    kept = []
    for payload in payloads:
        if len("\n".join([*kept, payload])) <= limit:
            kept.append(payload)
    return "\n".join(kept)


def script_src(csp):
    directives = dict(d.strip().partition(" ")[::2] for d in csp.split(";") if d.strip())
    return directives["script-src"]


def test_profile_page_shows_xss_payloads_as_text(client, login_as):
    user = login_as(make_user())
    payloads = xss_payloads()[::22]  # 301 payloads from across the list
    assert len(payloads) == 301
    failures = []
    for start in range(0, len(payloads), 5):
        chunk = payloads[start:start + 5]
        text = "\n".join(chunk)
        response = client.post("/profile", data={
            "display_name": "冯宝宝", "city": fit(chunk, 300), "offer": text,
            "looking_for": text, "intro_md": text})
        assert response.status_code == 302, html_of(response)
        assert User.get_by_id(user.id).offer == text

        page = client.get(f"/u/{user.id}")

        assert page.status_code == 200
        assert "'unsafe-inline'" not in script_src(page.headers["Content-Security-Policy"])
        html = html_of(page)
        failures += [("verbatim", p) for p in chunk if "<" in p and p in html]
        failures += [("not shown escaped", p) for p in chunk if str(escape(p)) not in html]

    assert failures == []
