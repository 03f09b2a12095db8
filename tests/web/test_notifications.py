"""The mail settings page and the one-click unsubscribe page: a GET never changes anything,
a POST needs no sign-in (and no CSRF token: the signed token is the credential), forged
links and forged choices are refused with a message, never a server error."""
import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from learnclub.domain.reach import mail_footer
from learnclub.domain.reach.outbox import enqueue_mail, hold_message, mark_sent
from learnclub.domain.reach.preferences import KINDS, preferences_of, set_preferences
from learnclub.models import MailPreference, OutboxMessage, User
from tests import corpora
from tests.factories import PASSWORD, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SECRET = "test-secret-key"
INSTANT = dict.fromkeys(KINDS, "instant")


def checked(html):
    """{field name: value} of the radio buttons shown as chosen."""
    return dict(re.findall(r'<input checked id="[\w-]+" name="(\w+)" type="radio" '
                           r'value="(\w*)">', html))


def link(user, kind):
    return "/unsubscribe/" + mail_footer.unsubscribe_token(user, kind, secret=SECRET)


# the settings page ----------------------------------------------------------------------------

def test_settings_page_needs_sign_in(client):
    response = client.get("/me/notifications")

    assert (response.status_code, "/login" in response.headers["Location"]) == (302, True)


def test_settings_page_shows_the_choices_in_force(client, login_as):
    user = login_as(make_user())
    set_preferences(user, {"feedback": "daily", "digests": "off"}, now=NOW)

    html = client.get("/me/notifications").get_data(as_text=True)

    assert checked(html) == {**INSTANT, "feedback": "daily", "digests": "off"}
    assert "Mails about your membership cannot be turned off" in html


def test_settings_page_saves_and_shows_them_again(client, login_as):
    user = login_as(make_user())
    modes = {**INSTANT, "reminders": "daily", "new_case": "off"}

    response = client.post("/me/notifications", data=modes)
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert (response.status_code, response.headers["Location"]) == (302, "/me/notifications")
    assert "Mail settings saved." in page
    assert checked(page) == modes
    assert preferences_of(user) == modes


def test_settings_page_refuses_a_forged_mode_with_a_message(client, login_as):
    user = login_as(make_user())

    response = client.post("/me/notifications", data={**INSTANT, "reminders": "loud"})

    assert response.status_code == 200
    assert re.search(r'<p class="error" id="reminders-error">Choose right away, daily digest '
                     r'or off\.</p>', response.get_data(as_text=True)) is not None
    assert MailPreference.select().where(MailPreference.user == user).count() == 0


def _corpus():
    strings, payloads = corpora.naughty_strings(), corpora.xss_payloads()
    return strings + payloads[:600]


def test_settings_page_naughty_modes_are_refused_not_crashed(client, login_as):
    user = login_as(make_user())
    values = _corpus()

    statuses = set()
    for start in range(0, len(values), len(KINDS)):
        chunk = values[start:start + len(KINDS)]
        response = client.post("/me/notifications", data=dict(zip(KINDS, chunk, strict=False)))
        statuses.add(response.status_code)

    assert statuses == {200}
    assert MailPreference.select().where(MailPreference.user == user).count() == 0


def test_profile_page_and_menu_link_to_the_settings(client, login_as):
    login_as(make_user())

    html = client.get("/profile").get_data(as_text=True)

    assert html.count('href="/me/notifications"') == 2  # the menu and the profile page


# the unsubscribe page -------------------------------------------------------------------------

def test_unsubscribe_get_names_kind_and_address_and_changes_nothing(client):
    user = make_user(email="wang@example.org")

    response = client.get(link(user, "reminders"))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r"<dd>([^<]*)</dd>", html) == ["Homework reminders", "w•••@e•••.org"]
    assert re.findall(r"<button[^>]*>([^<]+)</button>", html) == ["Unsubscribe"]
    assert MailPreference.select().count() == 0


def test_unsubscribe_post_without_sign_in_turns_the_kind_off(client):
    user = make_user()
    set_preferences(user, {"reminders": "daily"}, now=NOW)

    response = client.post(link(user, "reminders"))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Done — you won't get these mails any more." in html
    assert re.findall(r'<input type="hidden" name="(\w+)" value="(\w+)">', html) == [
        ("undo", "1"), ("reminders", "daily")]
    assert preferences_of(user) == {**INSTANT, "reminders": "off"}


def test_unsubscribe_undo_restores_what_was_chosen(client):
    user = make_user()
    set_preferences(user, {"reminders": "daily"}, now=NOW)
    client.post(link(user, "reminders"))

    response = client.post(link(user, "reminders"), data={"undo": "1", "reminders": "daily"})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert response.status_code == 302
    assert "Undone: these mails come again as before." in page
    assert preferences_of(user) == {**INSTANT, "reminders": "daily"}


def test_unsubscribe_all_turns_every_kind_off(client):
    user = make_user()

    client.post(link(user, "all"))

    assert preferences_of(user) == dict.fromkeys(KINDS, "off")


def test_unsubscribe_one_click_post_from_a_mail_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)  # as in production: CSRF on everywhere else
    user = make_user()
    client = app.test_client()

    response = client.post(link(user, "new_case"), data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert (response.status_code, refused.status_code) == (200, 400)
    assert preferences_of(user)["new_case"] == "off"


def test_unsubscribe_releases_mail_held_for_the_digest(client):
    user = make_user()
    set_preferences(user, {"reminders": "daily"}, now=NOW)
    enqueue_mail("r1", to_addr=user.email, user=user, subject="s", body="b", now=NOW,
                 kind="reminders")
    hold_message(OutboxMessage.get())

    client.post(link(user, "reminders"))

    assert (OutboxMessage.get().outcome, OutboxMessage.get().sent_at) == ("", None)


def test_unsubscribe_forged_links_are_refused_and_change_nothing(client):
    user = make_user()
    good = link(user, "reminders")
    tokens = [good[:-3] + "abc", "/unsubscribe/x", "/unsubscribe/" + "a" * 500]
    tokens += ["/unsubscribe/" + quote(s, safe="") for s in _corpus() if s.strip("/.")]

    statuses = {client.open(t, method=m).status_code for t in tokens for m in ("GET", "POST")}
    page = client.post(tokens[0]).get_data(as_text=True)

    assert statuses == {404}
    assert "This unsubscribe link is not valid." in page
    assert MailPreference.select().count() == 0


def test_unsubscribe_link_of_a_deleted_account_is_refused(client):
    user = make_user()
    url = link(user, "reminders")
    User.delete().where(User.id == user.id).execute()

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)


# the sent-mail log ----------------------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "label"), [
    ("held", "held for the daily digest"),
    ("off", "not sent: the reader turned these mails off"),
    ("digest", "sent inside a daily digest"),
    ("sent", "sent"),
])
def test_sent_mail_page_shows_what_became_of_each_mail(client, login_as, outcome, label):
    login_as(make_user(is_admin=True))
    reader = make_user()
    enqueue_mail("m", to_addr=reader.email, user=reader, subject="s", body="b", now=NOW,
                 kind="reminders")
    message = OutboxMessage.get()
    if outcome == "held":
        hold_message(message)
    else:
        mark_sent(message, now=NOW, outcome=outcome)

    html = client.get("/admin/mail").get_data(as_text=True)

    assert re.search(r"·\s*([^<·]+?)\s*</p>", html).group(1) == label


def test_unsubscribe_get_after_unsubscribing_says_already_off(client):
    user = make_user()
    client.post(link(user, "all"))

    html = client.get(link(user, "all")).get_data(as_text=True)

    assert re.findall(r"<dd>([^<]*)</dd>", html)[0] == "All mails that can be turned off"
    assert "These mails are already off." in html


def test_unsubscribe_undo_with_a_forged_mode_changes_nothing(client):
    user = make_user()
    client.post(link(user, "reminders"))

    response = client.post(link(user, "reminders"), data={"undo": "1", "reminders": "loud"},
                           follow_redirects=True)

    assert "Choose right away, daily digest or off." in response.get_data(as_text=True)
    assert preferences_of(user)["reminders"] == "off"
