"""Mentions that ping, in a real Chromium, on the phone (zh-CN) and on the desktop (en-US): a
learner adds a mobile number on the profile page (a bad one is refused on its field, the form
keeping the tick), gives consent and sees it on their profile; the host opens the robot's
form, turns "mention members" on, sees it on the robots page, and finds the learner's number
on the learner's profile. Screenshots: mentions-profile-error, mentions-profile,
mentions-robot-form, mentions-robot, mentions-staff-view, mentions-help (the help
page's section on mentions, as a screen shows it).

People, the cohort and the robot are arranged through the factories in the live server's
database; everything else goes through the pages.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.reach import chat_hooks
from learnclub.models import ChatHook, Membership, User
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_participation_journey import sign_in
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "mention-lab"
WORDS = {"phone": {"allowed": "已同意", "mentions": "@ 提醒"},
         "desktop": {"allowed": "allowed", "mentions": "Mentions"}}


def arrange():
    """A cohort with a DingTalk robot (mentions off) and a learner without a number."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        learner = make_user(display_name="王小明", group_nickname="小明-杭州",
                            email="learner@example.org")
        Membership.create(cohort=cohort, user=learner, role="learner",
                          joined_at=now - timedelta(days=3))
        hook = chat_hooks.add_hook(
            cohort, actor=host, kind="dingtalk", label="3期学员群",
            url="https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e5f",
            secret="", events=["homework_due"], now=now, allow_private=True)
    return learner, hook


def learner_opts_in(tab, learner):
    """The profile form refuses a number with a letter in it, keeps the tick, then saves."""
    page = tab.page
    tab.goto("/profile")
    form = page.locator("form:has(#mention_phone)")
    page.locator("#mention_phone").fill("138-0013-800O")
    page.locator("#mention_consent").check()
    form.locator("button.primary").click()
    tab.wait_for("/profile")
    expect(page.locator("#mention_phone-error")).to_be_visible()
    expect(page.locator("#mention_consent")).to_be_checked()
    page.locator("#mention_phone").scroll_into_view_if_needed()
    tab.screenshot("mentions-profile-error")
    page.locator("#mention_phone").fill("+86 138 0013 8000")
    form.locator("button.primary").click()
    tab.wait_for(f"/u/{learner.id}")
    facts = page.locator("dl.mention-contacts")
    expect(facts.locator("dd.phone")).to_have_text("+8613800138000")
    expect(facts.locator("dd").last).to_have_text(WORDS[tab.viewport]["allowed"])
    tab.screenshot("mentions-profile")
    with connection():
        saved = User.get_by_id(learner.id)
    assert (saved.mention_phone, saved.mention_consent_at is not None) == (
        "+8613800138000", True)


def host_turns_mentions_on(tab, hook, learner):
    page = tab.page
    tab.goto(f"/c/{SLUG}/integrations")
    page.locator(f"#hook-{hook.id} a[href$='/integrations/{hook.id}/edit']").click()
    tab.wait_for(f"/c/{SLUG}/integrations/{hook.id}/edit")
    page.locator("#mention_members").check()
    page.locator("#mention_members").scroll_into_view_if_needed()
    tab.screenshot("mentions-robot-form")
    page.locator("form.hook-form button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/integrations")
    card = page.locator(f"#hook-{hook.id}")
    expect(card.locator("dt").last).to_have_text(WORDS[tab.viewport]["mentions"])
    tab.screenshot("mentions-robot")
    with connection():
        assert ChatHook.get_by_id(hook.id).mention_members is True
    tab.goto(f"/u/{learner.id}")
    expect(page.locator("dl.mention-contacts dd.phone")).to_have_text("+8613800138000")
    tab.screenshot("mentions-staff-view")
    tab.goto("/help/integrations")
    page.locator("a[href='#mentions']").first.click()
    expect(page.locator("#mentions + p")).to_be_in_viewport()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{tab.viewport}-mentions-help.png")  # the screen only


def test_learner_opts_in_and_host_turns_mentions_on(open_tab):
    learner, hook = arrange()
    learner_tab = open_tab()
    sign_in(learner_tab, "learner@example.org")
    learner_opts_in(learner_tab, learner)

    host_tab = open_tab()
    sign_in(host_tab, "host@example.org")
    host_turns_mentions_on(host_tab, hook, learner)
