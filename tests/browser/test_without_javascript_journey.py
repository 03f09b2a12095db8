"""The core forms with JavaScript switched off, in a real Chromium, on a phone (zh-CN) and a
desktop (en): issue 17, point 2, "works without JavaScript for the core forms".

A visitor signs up from a public cohort's page and applies; the page then says, in words, what
happens next. A learner submits homework on a case with the plain form (homework.js, which
normally sends it by fetch, never runs), previews and edits it. A guest goes from the to-do
home to the calendar and proposes a talk for one of its open weeks. A host finds the pages under the
管理 menu (a <details>) and, on the phone, moves with the bottom tab bar. Every answer is
checked in words (the flash through the catalogs) and in the database.

People, cohorts, cases and weeks are arranged through the factories and the domain in the
live server's database; everything else goes through the pages.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub.db import connection
from learnclub.domain.sharing import talks as sharing
from learnclub.i18n import translations_for
from learnclub.models import Application, OutboxMessage, Submission, Talk, TalkPreference, User
from tests.browser.conftest import VIEWPORTS, Tab
from tests.factories import (
    PASSWORD,
    make_application,
    make_case,
    make_cohort,
    make_member,
    make_user,
)

pytestmark = pytest.mark.browser

SLUG = "plain-lab"
LANGUAGE = {"phone": "zh-CN", "desktop": "en"}
VISITOR = {"display_name": "林小雨", "email": "xiaoyu@example.org",
           "password": "不在多而在分享 share it"}
MOTIVATION = "我在杭州做社区团购两年，想把群从卖货变成互相学习的地方。"
BACKGROUND = "运营过三个 500 人的小区群。"
FIRST = "第一周我先做**三件事**：找到 20 位愿意说话的邻居。"
SECOND = "改过了：先找 *10 位* 团长，再找邻居。"
TALK = {"topic": "三百家门店的群，怎么从发券变成聊天",
        "abstract": "公司有 1200 个群，群里只剩下**发券**。", "title": "某生鲜连锁 · 私域负责人",
        "bio": "之前在快消做了八年渠道。"}


@pytest.fixture
def plain_tab(browser, live_server, viewport):
    """A tab in a browser context of its own with JavaScript switched off."""
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    yield Tab(context, live_server, viewport)
    context.close()


@pytest.fixture
def tr(viewport):
    return translations_for(LANGUAGE[viewport]).gettext


def sign_in(tab, email, password=PASSWORD):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(password)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def flash(tab):
    return tab.page.locator("main .flash.success")


def said(template, **values):
    """A pattern of a translated message whose `%(name)s` parts are dates (their format is
    not this test's business)."""
    pattern = re.escape(template)
    for name in values:
        pattern = pattern.replace(re.escape(f"%({name})s"), ".+")
    return re.compile(f"^{pattern}$")


def test_visitor_signs_up_and_applies_without_javascript(plain_tab, tr):
    tab, cohort_path = plain_tab, f"/c/{SLUG}/"
    with connection():
        make_cohort(host=make_user(can_host=True), slug=SLUG, name="社群运营实战营")
    tab.goto(cohort_path)
    tab.page.locator(f'main a.button.primary[href="{cohort_path}apply"]').click()
    tab.wait_for("/login", next=f"{cohort_path}apply")  # applying needs an account
    tab.page.locator('main a[href^="/signup"]').click()
    tab.wait_for("/signup")
    for name, value in VISITOR.items():
        tab.page.locator(f"#{name}").fill(value)
    tab.page.locator("main form button[type=submit]").click()
    expect(tab.page.locator("main h1 + p")).to_contain_text(VISITOR["email"])
    tab.check()
    with connection():
        body = OutboxMessage.get(OutboxMessage.to_addr == VISITOR["email"]).body
    link = re.search(re.escape(tab.base) + r"/signup/confirm/\S+", body).group(0)
    tab.goto(link.removeprefix(tab.base))
    tab.page.locator("main form button[type=submit]").click()  # activation is a button
    tab.wait_for(f"{cohort_path}apply")  # and continues where it started
    expect(flash(tab)).to_have_text(tr("Your account is ready. Welcome!"))

    tab.page.locator("#motivation").fill(MOTIVATION)
    tab.page.locator("#background").fill(BACKGROUND)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for(cohort_path)
    expect(flash(tab)).to_have_text(
        tr("Application sent. The host will review it; you will get a mail."))
    expect(tab.page.locator("main section.card", has=tab.page.locator("h2", has_text=tr(
        "Your application"))).locator("p")).to_have_text(tr("Sent; the host will review it."))
    tab.screenshot("no-script-applied")
    with connection():
        application = Application.get(Application.user == User.get(
            User.email == VISITOR["email"]))
    assert (application.motivation, application.background, application.status) == (
        MOTIVATION, BACKGROUND, "submitted")


def test_learner_submits_and_edits_homework_without_javascript(plain_tab, tr, clock):
    tab, now = plain_tab, clock.now()
    with connection():
        cohort = make_cohort(slug=SLUG, name="社群运营实战营")
        case = make_case(cohort, title="小区生鲜团购", publish_at=now - timedelta(hours=2))
        learner = make_member(cohort, make_user(display_name="林小雨"))
    path = f"/c/{SLUG}/cases/{case.id}"
    sign_in(tab, learner.email)
    tab.goto(path)
    form = tab.page.locator("#homework-form")
    expect(tab.page.locator("#edit-homework")).to_have_count(0)  # nothing handed in yet
    # homework.js never ran: it would have written "已写 0 字" into the counter on load
    expect(tab.page.locator("#body_md-count")).to_have_text("")

    # the preview button posts too: the page comes back with the text and how it will read
    form.locator("#body_md").fill(FIRST)
    form.locator("button[name=action][value=preview]").click()
    tab.wait_for(f"{path}/homework")
    expect(tab.page.locator("#homework-preview strong")).to_have_text("三件事")
    expect(tab.page.locator("#body_md")).to_have_value(FIRST)
    with connection():
        assert Submission.select().count() == 0  # a preview saves nothing

    tab.page.locator("#homework-form button[name=action][value=save]").click()
    tab.wait_for(path)
    expect(flash(tab)).to_have_text(said(
        tr("Homework submitted. You can change it until %(until)s."), until=True))
    with connection():
        saved = Submission.get((Submission.case == case.id) & (Submission.user == learner.id))
    assert saved.body_md == FIRST
    own = tab.page.locator(f"#homework-{saved.id}")
    expect(own.locator(".prose strong")).to_have_text("三件事")
    tab.screenshot("no-script-homework-submitted")

    # editing: "Submitted ✓ · Change" is a <details>; it opens without a script
    edit = tab.page.locator("#edit-homework")
    expect(edit.locator(":scope > summary")).to_have_text(f"{tr('Submitted ✓')} · {tr('Change')}")
    expect(tab.page.locator("#homework-form")).to_be_hidden()
    edit.locator(":scope > summary").click()
    expect(tab.page.locator("#body_md")).to_have_value(FIRST)
    tab.page.locator("#body_md").fill(SECOND)
    tab.page.locator("#homework-form button[name=action][value=save]").click()
    tab.wait_for(path)
    expect(flash(tab)).to_have_text(said(
        tr("Homework updated. You can change it until %(until)s."), until=True))
    expect(own.locator(".prose em")).to_have_text("10 位")
    expect(tab.page.locator(".prose", has_text="愿意说话的邻居")).to_have_count(0)
    tab.screenshot("no-script-homework-edited")
    tab.check()
    with connection():
        assert [s.body_md for s in Submission.select().where(Submission.case == case.id)] == [
            SECOND]


def test_guest_proposes_a_talk_without_javascript(plain_tab, tr, clock):
    tab, now = plain_tab, clock.now()
    with connection():
        cohort = make_cohort(slug=SLUG, name="社群运营实战营")
        first, second = sharing.generate_slots(cohort, now=now)[:2]
        guest = make_member(cohort, make_user(display_name="贺立群"), role="guest")
    sign_in(tab, guest.email)
    # the to-do home asks the guest to choose a week; on the calendar (a list on the phone,
    # a month grid on the desktop) each open week links to the proposal form
    home = tab.page.locator("main .todo-talks")
    home.locator(f'a.button.primary[href="/c/{SLUG}/calendar"]').click()
    tab.wait_for(f"/c/{SLUG}/calendar")
    this_week = tab.page.locator(f'a.cal-propose[href="/c/{SLUG}/talks/new?week={first.id}"]')
    expect(this_week).to_have_count(2)  # the list and the grid: one shows
    visible = this_week.locator("visible=true")
    expect(visible).to_have_text(tr("Propose a talk for this week"))
    tab.screenshot("no-script-calendar")
    visible.click()
    tab.wait_for(f"/c/{SLUG}/talks/new", week=str(first.id))

    form = tab.page.locator("#talk-form")
    expect(form.locator("#week1")).to_have_value(str(first.id))  # the week clicked
    for name, value in TALK.items():
        form.locator(f"#{name}").fill(value)
    form.locator("#week2").select_option(str(second.id))
    form.locator("button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/talks/mine")
    expect(flash(tab)).to_have_text(tr(
        "Thank you! Your proposal is in; we mailed you a receipt. The host will write to you "
        "once it is decided."))
    with connection():
        talk = Talk.get(Talk.topic == TALK["topic"])
        preferred = sharing_weeks(talk)
    assert (talk.guest_id, talk.status, talk.abstract_md) == (guest.id, "submitted",
                                                              TALK["abstract"])
    assert preferred == [first.id, second.id]
    card = tab.page.locator(f"#talk-{talk.id}")
    expect(card.locator("h2")).to_have_text(TALK["topic"])
    expect(card.locator(".prose strong")).to_have_text("发券")
    tab.screenshot("no-script-talk-proposed")


def sharing_weeks(talk):
    """The weeks the guest asked for, in order."""
    return [p.slot_id for p in TalkPreference.select().where(TalkPreference.talk == talk.id)
            .order_by(TalkPreference.rank)]


def test_tab_bar_and_manage_menu_without_javascript(plain_tab, tr, viewport):
    tab = plain_tab
    with connection():
        host = make_user(can_host=True, display_name="周明远")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营")
        make_application(cohort)
    sign_in(tab, host.email)
    tab.goto(f"/c/{SLUG}/")
    bar = tab.page.locator("nav.tabbar")
    if viewport == "phone":  # the bottom tab bar: plain links
        expect(bar).to_be_visible()
        bar.locator(f'a[href="/c/{SLUG}/calendar"]').click()
        tab.wait_for(f"/c/{SLUG}/calendar")
        expect(bar.locator("a[aria-current=page] .tab-label")).to_have_text(tr("Calendar"))
        expect(tab.page.locator("main h1")).to_have_text(tr("Sharing calendar"))
        bar.locator(f'a[href="/c/{SLUG}/cases/"]').click()
        tab.wait_for(f"/c/{SLUG}/cases/")
        expect(bar.locator("a[aria-current=page] .tab-label")).to_have_text(tr("Cases"))
    else:  # a desktop keeps its top bar
        expect(bar).to_be_hidden()
    manage = tab.page.locator("nav.tabs details.manage")
    review = f"/c/{SLUG}/applications"
    expect(manage.locator(f'a[href="{review}"]')).to_be_hidden()
    expect(manage.locator("summary .count-badge")).to_contain_text("1")  # one application
    manage.locator("summary").click()
    expect(manage).to_have_attribute("open", "")
    tab.screenshot("no-script-manage-open")
    manage.locator(f'a[href="{review}"]').click()
    tab.wait_for(review)
    expect(tab.page.locator("main li.application")).to_have_count(1)
    tab.check()
