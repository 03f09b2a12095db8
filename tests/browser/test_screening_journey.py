"""Screening applications (docs/rules.md "Screening applications") in a real Chromium: a host
with more applicants than seats filters the review page by city, scores and tags an
applicant inline, filters by the tag, sorts by score, ticks several applicants and admits
them at once with one message; the seats that are left admit the first, the rest go to the
waitlist, and the flash says so in words.

Phone (zh-CN) and desktop (en). Screenshots: screening-list, screening-filtered,
screening-decided.
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub.db import connection
from learnclub.models import Application
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_cases_journey import sign_in
from tests.factories import T0, make_application, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "screening-lab"
REVIEW = f"/c/{SLUG}/applications"
PEOPLE = (("冯宝宝", "上海", "零售", "想把小区团购群做成一张网。\n第二行：我做了两年团购。"),
          ("贺立群", "杭州", "教育", "想学怎么让读书会的人留下来。"),
          ("周明远", "上海", "教育", "我在一家在线教育公司做私域，想系统学习。"),
          ("林小雨", "成都", "餐饮", "开了三家店，想做会员社群。"),
          ("Anna Lee", "上海", "SaaS", "I run a user community for a B2B product."))
WORDS = {
    "phone": {"decided": "已录取 1 人。 2 人因名额已满转入候补。",
              "match": "共 3 份申请符合条件。"},
    "desktop": {"decided": "Admitted 1. 2 put on the waitlist because the cohort is full.",
                "match": "3 applications match."},
}


def arrange():
    """A cohort with 2 seats (one taken) and five applicants."""
    with connection():
        host = make_user(display_name="林主理", email="host@example.org", can_host=True)
        cohort = make_cohort(host, slug=SLUG, name="社群实验室", capacity=2)
        make_member(cohort)
        for n, (name, city, industry, motivation) in enumerate(PEOPLE):
            user = make_user(display_name=name, city=city, industry=industry)
            make_application(cohort, user, motivation=motivation,
                             created_at=T0 + timedelta(hours=n))
        return host


def card(page, name):
    return page.locator("main li.application", has=page.locator("h2", has_text=name))


def test_host_screens_and_admits_in_bulk(open_tab, viewport):
    host = arrange()
    words = WORDS[viewport]
    tab = open_tab()
    page = tab.page
    sign_in(tab, host.email)
    tab.goto(REVIEW)
    expect(page.locator("main li.application")).to_have_count(5)
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("screening-list")

    page.locator("select[name=city]").select_option("上海")
    page.locator("form.screen-filters button[type=submit]").click()
    tab.wait_for(REVIEW, city="上海")
    expect(page.locator("main .screen-count")).to_contain_text(words["match"])
    expect(page.locator("main li.application h2")).to_have_text(["冯宝宝", "周明远",
                                                                 "Anna Lee"])

    zhou = card(page, "周明远")
    zhou.locator("select[name=score]").select_option("5")
    zhou.locator("input[name=tags]").fill("教育, 私域")
    zhou.locator("form.mark button[type=submit]").click()
    tab.wait_for(REVIEW, city="上海")
    expect(card(page, "周明远").locator(".chip")).to_have_text(["教育", "私域"])
    card(page, "Anna Lee").locator("select[name=score]").select_option("3")
    card(page, "Anna Lee").locator("form.mark button[type=submit]").click()
    tab.wait_for(REVIEW, city="上海")

    page.locator("select[name=sort]").select_option("score")
    page.locator("form.screen-filters button[type=submit]").click()
    tab.wait_for(REVIEW, city="上海", sort="score")
    expect(page.locator("main li.application h2")).to_have_text(["周明远", "Anna Lee",
                                                                 "冯宝宝"])
    card(page, "周明远").locator(".chip", has_text="私域").click()
    tab.wait_for(REVIEW, tag="私域")
    expect(page.locator("main li.application h2")).to_have_text(["周明远"])
    card(page, "周明远").locator(".answers summary").click()
    tab.screenshot("screening-filtered")

    tab.goto(f"{REVIEW}?city=上海&sort=score")
    for name in ("周明远", "Anna Lee", "冯宝宝"):
        card(page, name).locator("input[name=selected]").check()
    page.locator("#bulk-message").fill("欢迎！第一个案例周四发布。")
    page.locator("#bulk button[value=admitted]").click()
    tab.wait_for(REVIEW, city="上海", sort="score")
    expect(page.locator("main .flash")).to_have_text(words["decided"])
    expect(page.locator("main li.application")).to_have_count(0)
    assert blocking_violations(tab, Axe()) == []
    tab.screenshot("screening-decided")
    with connection():
        statuses = {a.user.display_name: a.status for a in Application.select()}
    assert statuses == {"冯宝宝": "waitlisted", "贺立群": "submitted", "周明远": "admitted",
                        "林小雨": "submitted", "Anna Lee": "waitlisted"}
