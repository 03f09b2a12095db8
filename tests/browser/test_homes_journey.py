"""The to-do homes in a real Chromium, on the phone (390×844, zh-CN) and the desktop
(1280×800, en-US): a learner, a host and a guest sign in and land on what to do now; the
phone has the bottom tab bar and the page title near the top, the desktop the top bar.

`LEARNCLUB_DOCS_SHOTS=1` also saves the zh-CN tour of docs/homes.md into docs/img/
(test_homes_tour_for_docs): `make`-free, rerun it to regenerate the pictures.
"""
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.models import ShareSlot, Submission
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS, Tab
from tests.browser.test_participation_journey import sign_in
from tests.factories import make_application, make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "homes-lab"
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PEOPLE = {"learner": "zhang@example.org", "host": "host@example.org",
          "guest": "guest@example.org"}


def arrange():
    """A cohort a few weeks in: past cases with 张三's homework (one late, one missed), an
    open case he has not written, six applications, a proposal to decide, next week's guest."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email=PEOPLE["host"])
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        generate_slots(cohort, now=now)
        zhang = make_member(cohort, make_user(display_name="张三", email=PEOPLE["learner"]))
        peers = [make_member(cohort, make_user(display_name=n)) for n in ("李四", "王五", "赵六")]
        titles = ["社区团购的冷启动", "咖啡馆的会员制", "读书会的节奏", "健身房的私教群",
                  "菜市场的线上化"]
        for i, title in enumerate(titles):
            case = make_case(cohort, title=title, publish_at=now - timedelta(days=3 * (5 - i) + 1))
            hours = (5, 20, 80)[i % 3]  # on time, on time, late (in grace)
            for person in [zhang, *peers][: 4 if i != 3 else 2]:
                at = case.publish_at + timedelta(hours=hours)
                Submission.create(case=case, user=person, body_md="我的作业", submitted_at=at,
                                  updated_at=at, late_seconds=max(0, (hours - 72) * 3600))
        open_case = make_case(cohort, title="小区生鲜团购：从一个群到一张网",
                              publish_at=now - timedelta(hours=20))
        for person in peers[:2]:
            Submission.create(case=open_case, user=person, body_md="我的作业", submitted_at=now,
                              updated_at=now)
        for n in range(6):
            make_application(cohort, user=make_user(display_name=f"申请人{n}"))
        weeks = list(ShareSlot.select().where(ShareSlot.cohort == cohort)
                     .order_by(ShareSlot.starts_at))
        speaker = make_member(cohort, make_user(display_name="陈慧"), role="guest")
        held = propose_talk(cohort, speaker, topic="小区团购的 500 人群怎么管", abstract="讲讲",
                            preferred_slots=[weeks[0]], now=now)
        accept_talk(held, weeks[0], actor=host, now=now)
        asking = make_member(cohort, make_user(display_name="刘洋"), role="guest")
        propose_talk(cohort, asking, topic="社群里的第一次线下活动", abstract="讲讲",
                     preferred_slots=[weeks[2]], now=now)
        make_member(cohort, make_user(display_name="孙老师", email=PEOPLE["guest"]),
                    role="guest")
    return {"open": open_case}


def land(tab, who):
    """Sign in as `who` and land on the home (/) the sign-in leads to."""
    sign_in(tab, PEOPLE[who])
    expect(tab.page.locator("main h1")).to_have_text("社群运营实战营 第3期")


def check_frame(tab):
    """The phone: the tab bar is there and the title starts near the top; the desktop: no
    tab bar, the top bar's links instead."""
    bar = tab.page.locator("nav.tabbar")
    if tab.viewport == "phone":
        expect(bar).to_be_visible()
        expect(bar.locator("a[aria-current=page]")).to_have_count(1)
        top = tab.page.locator("main h1").bounding_box()["y"]
        assert top < 150, f"the title starts {top}px down"
    else:
        expect(bar).to_be_hidden()
        expect(tab.page.locator('header a[href="/profile"]')).to_be_visible()


def test_learner_host_and_guest_land_on_their_todo(open_tab, viewport):
    rows = arrange()
    case_path = f"/c/{SLUG}/cases/{rows['open'].id}"

    learner = open_tab()
    land(learner, "learner")
    check_frame(learner)
    write = learner.page.locator("main a.button.primary.write")
    expect(write).to_have_count(1)
    expect(learner.page.locator("main .todo-case-title a")).to_have_attribute("href", case_path)
    expect(learner.page.locator("main svg.progress-chart rect")).to_have_count(6)
    expect(learner.page.locator("main a.button.primary")).to_have_count(1)
    learner.screenshot("home-learner")
    write.click()
    learner.wait_for(case_path)
    expect(learner.page.locator("#homework-form")).to_be_attached()

    host = open_tab()
    land(host, "host")
    check_frame(host)
    applications = host.page.locator(f'main .todo-list a[href="/c/{SLUG}/applications"]')
    expect(applications.locator(".count")).to_have_text("6")
    expect(host.page.locator("main .todo-rate .rate")).to_contain_text("50%")
    expect(host.page.locator("nav.cohort-nav details.manage summary .count-badge")
           ).to_contain_text("7")  # six applications and one proposal
    host.screenshot("home-host")
    host.page.locator("nav.cohort-nav details.manage summary").click()
    expect(host.page.locator("nav.cohort-nav details.manage ul")).to_be_visible()
    host.page.screenshot(path=host_shot(host, "home-host-manage"))
    host.page.locator(f'nav.cohort-nav details.manage a[href="/c/{SLUG}/applications"]').click()
    host.wait_for(f"/c/{SLUG}/applications")

    guest = open_tab()
    land(guest, "guest")
    check_frame(guest)
    choose = guest.page.locator("main a.button.primary")
    expect(choose).to_have_text("选一周来分享" if viewport == "phone" else
                                "Choose a week to share")
    expect(guest.page.locator(f'nav.cohort-nav a[href="/c/{SLUG}/homework/mine"]')
           ).to_have_count(0)
    guest.screenshot("home-guest")
    choose.click()
    guest.wait_for(f"/c/{SLUG}/calendar")
    if viewport == "phone":
        expect(guest.page.locator("nav.tabbar a[aria-current=page]")).to_have_text("日历")
        guest.page.locator('nav.tabbar a[href="/me"]').click()
        guest.wait_for("/me")
        expect(guest.page.locator("main form[action='/logout'] button")).to_be_visible()


def host_shot(tab, name):
    """The path of a screenshot of the visible screen (an open menu is where one looks)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{tab.viewport}-{name}.png"


def _save_small_png(png, path):
    """Keep a docs picture small: 64 colours are plenty for these calm pages."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


@pytest.mark.skipif(os.environ.get("LEARNCLUB_DOCS_SHOTS") != "1",
                    reason="set LEARNCLUB_DOCS_SHOTS=1 to regenerate docs/img/home-*.png")
def test_homes_tour_for_docs(browser, live_server):
    arrange()
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    for size in ("phone", "desktop"):
        options = {**VIEWPORTS[size], "locale": "zh-CN", "device_scale_factor": 1}
        for who in PEOPLE:
            context = browser.new_context(**options)
            tab = Tab(context, live_server, size)
            land(tab, who)
            png = tab.page.screenshot(full_page=size == "desktop")
            _save_small_png(png, DOCS_IMG / f"home-{who}-{size}.png")
            context.close()
