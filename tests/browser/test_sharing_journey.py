"""The guest sharing journey from the issue (point 10), in a real Chromium: a guest comes in
by an invite link and signs up, proposes a talk for two weeks, the host accepts it for one and
tells the guest, the guest confirms on a phone (zh-CN) and finds it on the calendar; after the
session the host publishes the transcript and it is 第1期 in the archive and on its own page,
and a two-character Chinese search (真人, a word only its transcript has) finds it.

The guest is always on the phone, the host on the parametrized viewport. The host, the cohort,
its weeks and the invite are arranged through the domain in the live server's database;
everything else goes through the pages. The live server reads the test's clock, so "after
the session" comes as it would in a real week: once the talk is confirmed, the clock moves to
two hours after the session began and the jobs run for that instant, as the scheduler would.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import jobs
from learnclub.db import connection
from learnclub.domain.cohorts import admission
from learnclub.domain.sharing import talks as sharing
from learnclub.models import Membership, OutboxMessage, PointEvent, Talk, User
from tests.factories import PASSWORD, make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "community-lab"
GUEST = {"display_name": "贺立群", "email": "liqun@example.org",
         "password": "私域是一段关系 a relation"}
TALK = {"topic": "三百家门店的群,怎么从发券变成聊天",
        "abstract": "公司有 1200 个群,群里只剩下**发券**。讲讲我们把群救回来的一年。",
        "title": "某生鲜连锁 · 私域负责人", "bio": "之前在快消做了八年渠道。"}
TRANSCRIPT = ("先说我们踩过的坑:店长每天按 SOP 发 6 条消息,5 条是券。\n\n"
              "转折点是一家社区店的店长:**真人、当天、能回话**。")


def sign_in(tab, email, password=PASSWORD):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(password)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def submit(tab):
    tab.page.locator("main form button[type=submit]").first.click()


def expect_flash(tab):
    expect(tab.page.locator("main .flash.success")).to_have_count(1)


def guest_joins_by_invite(guest, token):
    """The invite link → sign up → the mailed confirm link → back on the invite → join."""
    guest.goto(f"/join/{token}")
    guest.page.locator('main a.button[href^="/signup"]').click()
    guest.wait_for("/signup", next=f"/join/{token}")
    for name, value in GUEST.items():
        guest.page.locator(f"#{name}").fill(value)
    submit(guest)
    expect(guest.page.locator("main h1 + p")).to_contain_text(GUEST["email"])
    with connection():
        body = OutboxMessage.get(OutboxMessage.to_addr == GUEST["email"]).body
    link = re.search(re.escape(guest.base) + r"/signup/confirm/\S+", body).group(0)
    guest.goto(link.removeprefix(guest.base))
    submit(guest)
    guest.wait_for(f"/join/{token}")  # sign-up continues where it started
    submit(guest)  # join now
    guest.wait_for(f"/c/{SLUG}/introduce")  # the 自我介绍 prompt comes first (skippable)
    expect_flash(guest)
    expect(guest.page.locator("html")).to_have_attribute("lang", "zh-Hans")


def guest_proposes(guest, first, second):
    guest.goto(f"/c/{SLUG}/talks/new")
    page = guest.page
    expect(page.locator("#title")).to_have_value("")  # a new account has no title yet
    for name, value in TALK.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#week1").select_option(str(first.id))
    page.locator("#week2").select_option(str(second.id))
    page.locator("#talk-form button[type=submit]").click()
    guest.wait_for(f"/c/{SLUG}/talks/mine")
    expect_flash(guest)
    with connection():
        talk = Talk.get(Talk.topic == TALK["topic"])
    card = page.locator(f"#talk-{talk.id}")
    expect(card.locator("h2")).to_have_text(TALK["topic"])
    expect(card.locator(".prose strong")).to_have_text("发券")
    return talk


def host_accepts_and_notifies(host, talk, first, second):
    host.goto(f"/c/{SLUG}/talks")
    page = host.page
    expect(page.locator(f"#proposal-{second.id}-{talk.id}")).to_have_count(1)  # asked for both
    page.locator(f"#proposal-{first.id}-{talk.id} button.primary").click()
    host.wait_for(f"/c/{SLUG}/talks")
    expect_flash(host)
    expect(page.locator(f"#week-{first.id} .holder")).to_contain_text(TALK["topic"])
    expect(page.locator(f"#proposal-{second.id}-{talk.id}")).to_have_count(0)  # decided
    page.locator(f"#notify-{talk.id} button").click()
    host.wait_for(f"/c/{SLUG}/talks")
    expect_flash(host)
    expect(page.locator(f"#notify-{talk.id}")).to_have_count(0)
    with connection():
        mail = OutboxMessage.get(OutboxMessage.key == f"talk:{talk.id}:accepted")
    assert mail.to_addr == GUEST["email"]


def guest_confirms_and_sees_calendar(guest, talk, first):
    guest.goto(f"/c/{SLUG}/talks/mine")
    guest.page.locator(f"#talk-{talk.id} form button.primary").click()
    guest.wait_for(f"/c/{SLUG}/talks/mine")
    expect_flash(guest)
    expect(guest.page.locator(f"#talk-{talk.id} form button.primary")).to_have_count(0)
    with connection():
        assert Talk.get_by_id(talk.id).status == "confirmed"
    guest.page.locator(f'nav.tabs a[href="/c/{SLUG}/calendar"]').click()
    guest.wait_for(f"/c/{SLUG}/calendar")
    week = guest.page.locator(f"ol.cal-list #week-{first.id}")
    expect(week).to_have_class(re.compile(r"\bconfirmed\b"))
    expect(week.locator(".cal-what")).to_contain_text(TALK["topic"])
    expect(week.locator(".cal-what")).to_contain_text(GUEST["display_name"])
    expect(guest.page.locator("ol.cal-list .cal-week.open").first).to_be_visible()
    guest.check()
    guest.screenshot("sharing-calendar")


def host_sees_calendar(host, first):
    host.goto(f"/c/{SLUG}/calendar")
    if host.viewport == "desktop":  # the month grid; the list is for phones
        week = host.page.locator(".cal-grid .cal-week.confirmed")
    else:
        week = host.page.locator(f"ol.cal-list #week-{first.id}")
    expect(week).to_contain_text(TALK["topic"])
    expect(week).to_be_visible()
    host.screenshot("sharing-calendar-host")


def the_session_comes(live_app, first, talk_id, clock):
    """The week comes: the clock moves to two hours after the session began (the live
    server reads the same clock), then the jobs run for that instant."""
    clock.travel_to(first.starts_at + timedelta(hours=2))
    with connection():
        results = jobs.run_due(dict(live_app.config), now=clock.now())
        assert results["generate_share_slots"] >= 0
        held = Talk.get_by_id(talk_id)  # the session ended: held, and 第1期 from then on
        assert (held.status, held.number) == ("held", 1)


def host_publishes(host, talk):
    host.goto(f"/c/{SLUG}/talks")
    host.page.locator(f'#to-publish a[href="/c/{SLUG}/talks/{talk.id}/transcript"]').click()
    host.wait_for(f"/c/{SLUG}/talks/{talk.id}/transcript")
    host.page.locator("#transcript_md").fill(TRANSCRIPT)
    host.page.locator("#transcript-form button[type=submit]").click()
    host.wait_for(f"/c/{SLUG}/archive/1")
    expect_flash(host)
    article = host.page.locator("article.session-page")
    expect(article.locator(".number")).to_have_text("第1期")
    expect(article.locator("h1")).to_have_text(TALK["topic"])
    expect(article.locator(".transcript strong")).to_have_text("真人、当天、能回话")
    expect(article).to_contain_text(TALK["title"])


def archive_shows_first_session(tab):
    tab.goto(f"/c/{SLUG}/archive")
    entry = tab.page.locator("main ol.archive #session-1")
    expect(entry.locator(".number")).to_have_text("第1期")
    expect(entry).to_contain_text(GUEST["display_name"])
    expect(entry).to_contain_text(TALK["title"])
    entry.locator(f'h2 a[href="/c/{SLUG}/archive/1"]').click()
    tab.wait_for(f"/c/{SLUG}/archive/1")
    expect(tab.page.locator("article.session-page .transcript")).to_contain_text("SOP")
    tab.goto(f"/c/{SLUG}/archive")
    tab.screenshot("sharing-archive")


def search_finds_it(tab):
    """Two Chinese characters typed in the archive's search box find the transcript."""
    tab.goto(f"/c/{SLUG}/archive")
    box = tab.page.locator("main form.search-box").last
    box.locator("input[name=q]").fill("真人")
    box.locator("button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/search", q="真人")
    hit = tab.page.locator("main ol.search-results li.result-talk")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("第1期")
    expect(hit.locator("mark").first).to_have_text("真人")
    hit.locator(f'h2 a[href="/c/{SLUG}/archive/1"]').click()
    tab.wait_for(f"/c/{SLUG}/archive/1")


def test_guest_talk_from_invite_to_archive(open_tab, live_app, viewport, clock):
    now = clock.now()
    with connection():
        host_user = make_user(can_host=True, display_name="周明远", email="mingyuan@example.org")
        cohort = make_cohort(host=host_user, slug=SLUG, name="社群实验室 · 第3期")
        first, second = sharing.generate_slots(cohort, now=now)[:2]
        token = admission.create_invite(cohort, actor=host_user, now=now, role="guest").token
    guest, host = open_tab("phone"), open_tab()
    sign_in(host, host_user.email)

    guest_joins_by_invite(guest, token)
    with connection():
        joined = Membership.get(Membership.user == User.get(User.email == GUEST["email"]))
        assert (joined.cohort_id, joined.role) == (cohort.id, "guest")
    talk = guest_proposes(guest, first, second)
    host_accepts_and_notifies(host, talk, first, second)
    guest_confirms_and_sees_calendar(guest, talk, first)
    host_sees_calendar(host, first)

    the_session_comes(live_app, first, talk.id, clock)
    host_publishes(host, talk)
    archive_shows_first_session(host)
    archive_shows_first_session(guest)
    search_finds_it(guest)
    with connection():
        assert PointEvent.get(PointEvent.key == f"talk:{talk.id}:shared").user_id == talk.guest_id
    assert host.problems == guest.problems == []
