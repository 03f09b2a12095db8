"""Being introduced (docs/rules.md "Being introduced") in a real Chromium: a new member joins
through an invite link, lands on the 自我介绍 prompt, writes a paragraph and tags, and sees in
the member list whom they might want to meet, and why. A second member skips the prompt and
still finds "写一段自我介绍" on the cohort's to-do.

Phone (zh-CN) and desktop (en). Screenshots: introductions-prompt, introductions-members,
introductions-todo.
"""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub.db import connection
from learnclub.domain.accounts import introductions
from learnclub.domain.cohorts import admission
from learnclub.models import User
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_cases_journey import sign_in
from tests.factories import make_cohort, make_member, make_user
from tests.timeline import now

pytestmark = pytest.mark.browser

SLUG = "community-lab"
WORDS = {
    "phone": {"reason": "你在找「社群运营」，冯宝宝能提供「社群运营」",
              "similar": "你在找「社群运营」，贺立群能提供「社群增长」（都有「社群」）",
              "todo": "写一段自我介绍", "skip": "先跳过"},
    "desktop": {"reason": "You are looking for “社群运营”; 冯宝宝 can offer “社群运营”.",
                "similar": "You are looking for “社群运营”; 贺立群 can offer “社群增长” "
                           "(both say “社群”).",
                "todo": "Introduce yourself", "skip": "Skip for now"},
}


def arrange():
    """A cohort with two introduced members and a live invite. Returns the invite token."""
    with connection():
        host = make_user(display_name="林主理", email="host@example.org", can_host=True)
        cohort = make_cohort(host, slug=SLUG, name="社群实验室")
        for name, offer, text in (("冯宝宝", "社群运营、摄影", "上海，做了五年社群。"),
                                  ("贺立群", "社群增长", "杭州，做私域增长。")):
            member = make_member(cohort, make_user(display_name=name))
            introductions.save_introduction(member, introduction=text, offer=offer, seek="",
                                            now=now(), base_url="http://localhost")
        return admission.create_invite(cohort, actor=host, now=now()).token


def join(tab, token, email):
    sign_in(tab, email)
    tab.goto(f"/join/{token}")
    tab.page.locator("main form.join-action button.primary").click()
    tab.wait_for(f"/c/{SLUG}/introduce")


def test_new_member_introduces_themselves_and_meets_someone(open_tab, viewport):
    token = arrange()
    with connection():
        joiner = make_user(display_name="周明远", email="mingyuan@example.org")
    words = WORDS[viewport]
    tab = open_tab()
    join(tab, token, joiner.email)
    page = tab.page
    expect(page.locator("main .flash.success")).to_have_count(1)
    page.locator("#introduction").fill("我在杭州做社区团购，想把一个小区的群做成一张网。")
    page.locator("#offer").fill("社区团购, 写作")
    page.locator("#seek").fill("社群运营")
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("introductions-prompt")

    page.locator("main form button.primary").click()
    tab.wait_for(f"/c/{SLUG}/members")
    reasons = page.locator("#suggestions .reason")
    expect(reasons).to_have_text([words["reason"], words["similar"]])
    expect(page.locator("#suggestions .suggestion a").first).to_have_text("冯宝宝")
    me = page.locator(".person", has_text="周明远")
    expect(me.locator(".chip")).to_have_text(["社区团购", "写作", "社群运营"])
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("introductions-members")
    with connection():
        assert User.get_by_id(joiner.id).introduction.startswith("我在杭州")


def test_skipping_keeps_the_introduction_on_the_todo(open_tab, viewport):
    token = arrange()
    with connection():
        joiner = make_user(display_name="王小明", email="xiaoming@example.org")
    words = WORDS[viewport]
    tab = open_tab()
    join(tab, token, joiner.email)
    tab.page.get_by_role("link", name=words["skip"]).click()
    tab.wait_for(f"/c/{SLUG}/")
    todo = tab.page.locator("main .todo-intro")
    expect(todo.locator("h2")).to_have_text(words["todo"])
    tab.screenshot("introductions-todo")
    todo.locator("a.button").click()
    tab.wait_for(f"/c/{SLUG}/introduce")
