"""Mail settings in a real Chromium, on the phone (zh-CN) and on the desktop (en-US).

A learner opens the mail settings from the menu, sets homework reminders to the daily digest
and new cases to off, saves and finds the choices kept. A mail about their homework then goes
through a real SMTP server on loopback; the unsubscribe link in it, opened in a browser that
is not signed in, asks first (nothing changes on opening it), and one press unsubscribes.
Screenshots: mail-settings, unsubscribe, unsubscribed.
"""
import re
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import expect

from learnclub import clock, jobs
from learnclub.db import connection
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.domain.reach.preferences import KINDS, preferences_of
from learnclub.models import User
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.test_concurrency import smtp  # noqa: F401 - the real SMTP server fixture

pytestmark = pytest.mark.browser


def sign_in(tab, email):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def arrange():
    with connection():
        cohort = make_cohort(slug="mail-lab", name="社群运营实战营 第3期")
        return make_member(cohort, make_user(display_name="张三", email="zhang@example.org"))


def learner_sets_choices(tab):
    tab.goto("/")
    if tab.viewport == "phone":  # the phone's top bar is short: mail settings are under 我的
        tab.page.locator('nav.tabbar a[href="/me"]').click()
        tab.wait_for("/me")
        tab.page.locator('main a[href="/me/notifications"]').click()
    else:
        tab.page.locator('nav a[href="/me/notifications"]').click()
    tab.wait_for("/me/notifications")
    tab.page.locator('label[for="reminders-1"]').click()  # daily digest
    tab.page.locator('label[for="new_case-2"]').click()  # off
    tab.page.locator("form.mail-prefs button[type=submit]").click()
    tab.wait_for("/me/notifications")
    expect(tab.page.locator("p.flash.success")).to_be_visible()
    expect(tab.page.locator("#reminders-1")).to_be_checked()
    expect(tab.page.locator("#new_case-2")).to_be_checked()
    expect(tab.page.locator("#feedback-0")).to_be_checked()
    tab.screenshot("mail-settings")


def mail_arrives(live_app, smtp, user):  # noqa: F811
    """A "responses to your homework" mail, sent through the real SMTP server."""
    with connection():
        enqueue_mail("activity:journey", to_addr=user.email, user=user, kind="feedback",
                     subject="1 new responses to your homework", body="李四 commented.",
                     now=clock.now())
        jobs.send_outbox(dict(live_app.config, MAIL_URL=smtp.url), now=clock.now())
    [envelope] = smtp.envelopes
    mail = message_from_bytes(envelope.content, policy=policy.default)
    body_link = re.search(r"(https?://\S+/unsubscribe/\S+)", mail.get_content()).group(1)
    assert str(mail["List-Unsubscribe"]) == f"<{body_link}>"
    return body_link


def reader_unsubscribes(tab, url, user):
    tab.page.goto(url)
    tab.check()
    # masked: the link may be forwarded, the address is not shown to whoever holds it
    expect(tab.page.locator(".unsubscribe dd").last).to_have_text("z•••@e•••.org")
    with connection():
        assert preferences_of(user)["feedback"] == "instant"  # opening the link changed nothing
    tab.screenshot("unsubscribe")
    tab.page.locator(".unsubscribe button.primary").click()
    tab.page.wait_for_load_state("load")
    tab.check()
    expect(tab.page.locator('.unsubscribe [role="status"]')).to_be_visible()
    expect(tab.page.locator('.unsubscribe input[name="feedback"]')).to_have_value("instant")
    tab.screenshot("unsubscribed")


def test_learner_chooses_mail_settings_and_unsubscribes_from_a_mail(open_tab, live_app,
                                                                    smtp):  # noqa: F811
    user = arrange()
    learner = open_tab()
    sign_in(learner, user.email)

    learner_sets_choices(learner)
    url = mail_arrives(live_app, smtp, user)
    reader_unsubscribes(open_tab(), url, user)  # another browser: nobody signed in

    with connection():
        assert preferences_of(User.get_by_id(user.id)) == {
            **dict.fromkeys(KINDS, "instant"), "reminders": "daily", "new_case": "off",
            "feedback": "off"}
