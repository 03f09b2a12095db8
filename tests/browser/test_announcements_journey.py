"""Announcements and 群规, in a real Chromium: on the desktop (en-US) the host writes the
rules and posts an announcement; on the phone (390×844, zh-CN) a learner finds it pinned at
the top of the cohort home, above the to-do, with the rules banner, opens the rules and
agrees ("我已阅读并同意群规"); back on the desktop the host sees who read the announcement
and who agreed. Screenshots: announcements-post, announcements-receipts (desktop),
announcements-home, rules-page, rules-agreed (phone).
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.models import Membership, OutboxMessage, RulesAcknowledgment
from tests.browser.test_participation_journey import sign_in
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "notice-lab"


def arrange():
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org",
                         locale="en")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        learner = make_user(display_name="王小明", email="learner@example.org")
        Membership.create(cohort=cohort, user=learner, role="learner",
                          joined_at=now - timedelta(days=3))
        other = make_user(display_name="林晓雯", email="other@example.org")
        Membership.create(cohort=cohort, user=other, role="learner",
                          joined_at=now - timedelta(days=3))
    return learner


@pytest.mark.parametrize("viewport", ["desktop"])
def test_host_posts_learner_sees_it_pinned_and_agrees_to_the_rules(open_tab):
    learner = arrange()
    host_tab = open_tab()
    page = host_tab.page
    sign_in(host_tab, "host@example.org")
    host_tab.goto(f"/c/{SLUG}/rules/edit")
    page.locator("#body_md").fill("1. 每个案例都写作业，写不了请提前请假。\n2. 不发广告。")
    page.locator("#rules-form button[type=submit]").click()
    host_tab.wait_for(f"/c/{SLUG}/rules")
    host_tab.goto(f"/c/{SLUG}/announcements")
    page.locator("a.button.primary", has_text="Post an announcement").click()
    host_tab.wait_for(f"/c/{SLUG}/announcements/new")
    page.locator("#title").fill("本周日分享改到晚上 8 点半")
    page.locator("#body_md").fill("嘉宾临时有事，**推迟半小时**。链接不变。")
    expect(page.locator("#pin")).to_be_checked()
    host_tab.screenshot("announcements-post")
    page.locator("#announcement-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_contain_text("Announcement posted")
    announcement_url = page.url

    tab = open_tab("phone")
    phone = tab.page
    sign_in(tab, "learner@example.org")
    tab.goto(f"/c/{SLUG}/")
    pinned = phone.locator(".pinned-announcements article").first
    expect(pinned.locator("h2")).to_have_text("本周日分享改到晚上 8 点半")
    expect(pinned.locator("strong")).to_have_text("推迟半小时")
    expect(pinned).to_contain_text("置顶")
    above = phone.evaluate("""() => {
        const a = document.querySelector('.pinned-announcements');
        const t = document.querySelector('.todo');
        return Boolean(a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert above is True
    banner = phone.locator(".rules-banner")
    expect(banner).to_contain_text("请阅读并同意群规")
    tab.screenshot("announcements-home")
    banner.locator("a.button").click()
    tab.wait_for(f"/c/{SLUG}/rules")
    expect(phone.locator("#rules")).to_contain_text("不发广告")
    button = phone.locator("#acknowledge-form button[type=submit]")
    expect(button).to_have_text("我已阅读并同意群规")
    assert button.bounding_box()["height"] >= 44
    tab.screenshot("rules-page")
    button.click()
    tab.wait_for(f"/c/{SLUG}/")
    expect(phone.locator(".flash.success")).to_contain_text("你已同意群规")
    expect(phone.locator(".rules-banner")).to_have_count(0)
    tab.screenshot("rules-agreed")

    host_tab.page.goto(announcement_url)
    expect(page.locator(".read-receipts h2")).to_have_text("Read by 1 of 2")
    expect(page.locator(".read-receipts .readers")).to_have_text("王小明")
    host_tab.screenshot("announcements-receipts")
    host_tab.goto(f"/c/{SLUG}/rules")
    expect(page.locator(".rules-acks h2")).to_have_text("Agreed to version 1: 1 of 2")
    with connection():
        assert [r.version for r in RulesAcknowledgment.select()] == [1]
        assert OutboxMessage.select().where(OutboxMessage.user == learner.id).count() == 1
