"""The journey from the issue, in a real Chromium, on a phone (zh-CN) and a desktop (en-US):
host completes setup → creates a cohort → a visitor applies → host admits → the learner
signs in again and edits the profile → finds themselves in the member directory.

Fields are found by name/id and assertions use what people typed, so the test holds
whichever language the UI speaks; the UI language itself is checked on <html lang>.
"""
import re

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import db
from learnclub.domain.accounts.auth import issue_setup_token
from learnclub.models import OutboxMessage

pytestmark = pytest.mark.browser

HOST = {"display_name": "周明远", "email": "mingyuan@example.org",
        "password": "社群要小而活 small and alive"}
LEARNER = {"display_name": "林小雨", "email": "xiaoyu@example.org",
           "password": "不在多而在分享 share it"}
COHORT = {"slug": "community-2026", "name": "社群运营实战营 第3期",
          "description_md": "每 4 天一个**案例**,每个人都写作业。"}
MOTIVATION = "我在杭州做社区团购两年,想把群从卖货变成互相学习的地方。"
BACKGROUND = "运营过三个 500 人的小区群。"
PROFILE = {"city": "杭州", "industry": "社区零售", "company_title": "鲜邻里 运营负责人",
           "offer": "社区团购的选品和团长招募经验", "intro_md": "喜欢**复盘**,每周写一篇。"}
LANG = {"phone": "zh-Hans", "desktop": "en"}


def fill(tab, values):
    for name, value in values.items():
        tab.page.locator(f"#{name}").fill(value)


def submit(tab):
    """Press the submit button of the page's form (the header's sign-out form excluded)."""
    tab.page.locator("main form button[type=submit]").first.click()


def expect_flash(tab, contains=""):
    flash = tab.page.locator("main .flash.success[role=status]")
    expect(flash).to_have_count(1)
    if contains:
        expect(flash).to_contain_text(contains)


def open_own_page(tab, href):
    """A page of one's own (profile, sent mail): the top bar's link on a desktop; on a phone
    the tab bar's 我的 (Me) page lists it."""
    if tab.viewport == "phone":
        tab.page.locator('nav.tabbar a[href="/me"]').click()
        tab.wait_for("/me")
        tab.page.locator(f'main a[href="{href}"]').click()
    else:
        tab.page.locator(f'header a[href="{href}"]').click()
    tab.wait_for(href)


def sign_out(tab):
    """The top bar's button on a desktop; on a phone the one on the 我的 (Me) page."""
    if tab.viewport == "phone":
        tab.page.locator('nav.tabbar a[href="/me"]').click()
        tab.wait_for("/me")
        tab.page.locator("main form[action='/logout'] button[type=submit]").click()
    else:
        tab.page.locator("header form button[type=submit]").click()


def mailed_link(to_addr, base):
    with db.connection_context():
        body = OutboxMessage.get(OutboxMessage.to_addr == to_addr).body
    match = re.search(re.escape(base) + r"/signup/confirm/\S+", body)
    assert match, body
    return match.group(0)


def host_sets_up_and_creates_cohort(host):
    with db.connection_context():
        token = issue_setup_token(now=clock.now())
    host.goto(f"/setup/{token}")
    fill(host, HOST)
    submit(host)
    host.wait_for("/new")
    expect_flash(host)
    expect(host.page.locator("#name")).to_have_value("")
    expect(host.page.locator("#capacity")).to_have_value("40")  # the default settings stand
    fill(host, COHORT)
    submit(host)
    host.wait_for(f"/c/{COHORT['slug']}/")
    expect_flash(host)
    expect(host.page.locator("main h1")).to_have_text(COHORT["name"])


def visitor_signs_up(visitor, base):
    cohort = f"/c/{COHORT['slug']}/"
    visitor.goto(cohort)
    expect(visitor.page.locator("main h1")).to_have_text(COHORT["name"])
    expect(visitor.page.locator("main .prose strong")).to_have_text("案例")
    visitor.screenshot("cohort")
    visitor.page.locator(f'main a.button.primary[href="{cohort}apply"]').click()
    visitor.wait_for("/login", next=f"{cohort}apply")  # applying needs an account
    visitor.page.locator('main a[href^="/signup"]').click()
    visitor.wait_for("/signup")
    fill(visitor, LEARNER)
    submit(visitor)  # answers on the same address: "check your mail at <address>"
    expect(visitor.page.locator("main h1 + p")).to_contain_text(LEARNER["email"])
    visitor.check()
    visitor.goto(mailed_link(LEARNER["email"], base).removeprefix(base))
    submit(visitor)  # activation is a button, so mail scanners cannot use the link up
    visitor.wait_for(f"{cohort}apply")  # sign-up continues where it started
    expect_flash(visitor)


def visitor_applies(visitor):
    cohort = f"/c/{COHORT['slug']}/"
    visitor.goto(cohort)
    visitor.page.locator(f'main a.button.primary[href="{cohort}apply"]').click()
    visitor.wait_for(f"{cohort}apply")
    expect(visitor.page.locator("main h1")).to_contain_text(COHORT["name"])
    fill(visitor, {"motivation": MOTIVATION, "background": BACKGROUND})
    submit(visitor)
    visitor.wait_for(cohort)
    expect_flash(visitor)
    # the Apply button became "edit my application": one application, still open
    expect(visitor.page.locator(f'main a[href="{cohort}apply"]')).to_have_count(1)
    expect(visitor.page.locator("main a.button.primary")).to_have_count(0)


def host_admits(host, viewport):
    review = f"/c/{COHORT['slug']}/applications"
    host.page.locator("nav.tabs details.manage summary").click()  # staff pages: 管理
    host.page.locator(f'nav.tabs a[href="{review}"]').click()
    host.wait_for(review)
    waiting = host.page.locator("nav.tabs.small a[aria-current=page]")
    expect(waiting).to_have_text(re.compile(r"\(1\)$"))
    cards = host.page.locator("main li.application")
    expect(cards).to_have_count(1)
    expect(cards.locator("h2")).to_have_text(LEARNER["display_name"])
    expect(cards).to_contain_text(MOTIVATION)
    expect(cards).to_contain_text(BACKGROUND)
    host.screenshot("applications")
    cards.locator("details.decide-one summary").click()  # a personal message (issue 18)
    cards.locator("textarea[name=message]").fill("欢迎!第一个案例周四发布。")
    cards.locator("button.primary[formaction*='/admitted']").click()
    host.wait_for(review)  # back to the list as it was (the default state is not in the address)
    expect_flash(host, LEARNER["display_name"])
    if viewport == "desktop":
        expect(host.page.locator("main .flash")).to_have_text(
            f"Admitted {LEARNER['display_name']}.")
    expect(waiting).to_have_text(re.compile(r"\(0\)$"))
    expect(host.page.locator("main li.application")).to_have_count(0)
    expect(host.page.locator(f'nav.tabs.small a[href="{review}?status=admitted"]')
           ).to_have_text(re.compile(r"\(1\)$"))
    # the welcome mail is in the outbox, shown to the admin while no mail server is set
    open_own_page(host, "/admin/mail")
    welcome = host.page.locator("main li.mail").filter(has_text=LEARNER["email"]).filter(
        has_text="欢迎!第一个案例周四发布。")
    expect(welcome).to_have_count(1)
    expect(welcome).to_contain_text(COHORT["name"])


def learner_signs_in_again(learner):
    sign_out(learner)
    learner.wait_for("/")
    expect_flash(learner)
    expect(learner.page.locator('header a[href="/profile"]')).to_have_count(0)
    learner.page.locator('header a[href="/login"]').click()  # visitors keep the top bar
    learner.wait_for("/login")
    fill(learner, {"email": LEARNER["email"], "password": LEARNER["password"]})
    submit(learner)
    learner.wait_for("/")
    mine = learner.page.locator("main li.card").filter(has_text=COHORT["name"])
    expect(mine).to_have_count(2)  # "my cohorts" and "open cohorts" both list it
    expect(learner.page.locator('header a[href="/profile"]')).to_have_count(1)


def learner_edits_profile(learner):
    open_own_page(learner, "/profile")
    expect(learner.page.locator("#display_name")).to_have_value(LEARNER["display_name"])
    fill(learner, PROFILE)
    submit(learner)
    learner.wait_for(re.compile(r"/u/\d+"))
    expect_flash(learner)
    main = learner.page.locator("main")
    expect(main.locator("h1")).to_have_text(LEARNER["display_name"])
    expect(main).to_contain_text(
        f"{PROFILE['city']} · {PROFILE['industry']} · {PROFILE['company_title']}")
    expect(main.locator("p.pre")).to_have_text(PROFILE["offer"])
    expect(main.locator(".prose strong")).to_have_text("复盘")
    learner.screenshot("profile")


def learner_finds_self_in_directory(learner):
    cohort = f"/c/{COHORT['slug']}/"
    learner.page.locator(f'main a[href="{cohort}"]').click()
    learner.wait_for(cohort)
    learner.page.locator(f'nav.tabs a[href="{cohort}members"]').click()
    learner.wait_for(f"{cohort}members")
    people = learner.page.locator("main li.person")
    expect(people).to_have_count(2)
    expect(people.locator("h2 a")).to_have_text([HOST["display_name"], LEARNER["display_name"]])
    learner.page.locator("select[name=city]").select_option(PROFILE["city"])
    learner.page.locator("form.filters button[type=submit]").click()
    learner.wait_for(f"{cohort}members", city=PROFILE["city"])
    expect(people).to_have_count(1)
    expect(people.locator("h2 a")).to_have_text(LEARNER["display_name"])
    expect(people).to_contain_text(PROFILE["offer"])
    learner.screenshot("members")


def test_journey_setup_to_member_directory(open_tab, live_server, viewport):
    host, visitor = open_tab(), open_tab()

    host_sets_up_and_creates_cohort(host)
    expect(host.page.locator("html")).to_have_attribute("lang", LANG[viewport])
    visitor_signs_up(visitor, live_server)
    expect(visitor.page.locator("html")).to_have_attribute("lang", LANG[viewport])
    visitor_applies(visitor)
    host_admits(host, viewport)
    learner_signs_in_again(visitor)
    learner_edits_profile(visitor)
    learner_finds_self_in_directory(visitor)
    assert host.problems == visitor.problems == []
