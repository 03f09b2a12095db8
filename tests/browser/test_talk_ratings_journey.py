"""Rating a held session, in a real Chromium: on the phone (390×844, zh-CN) a member finds
the session to rate on the archive page, picks four stars, writes one line and saves; on
the desktop (en-US) the guest opens "My talks" and reads the average, the count and the
lines, without the raters' names. Screenshots: ratings-archive, ratings-form,
ratings-saved (phone), ratings-guest (desktop).

The cohort, the held talk and two other ratings are arranged through the domain in the live
server's database; the member's rating goes through the pages.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.sharing import ratings
from learnclub.domain.sharing.archive import mark_held, publish_transcript
from learnclub.domain.sharing.talks import accept_talk, add_one_off_slot, confirm_talk, propose_talk
from learnclub.models import Membership, Talk
from learnclub.models.talk_ratings import TalkRating
from tests.browser.test_participation_journey import sign_in
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "rating-lab"
RATERS = ("林晓雯", "陈子豪")


def arrange():
    """A cohort whose guest's talk was held an hour ago, with two ratings already."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        guest = make_user(display_name="李嘉宾", email="guest@example.org",
                          company_title="某生鲜平台 · 社群负责人")
        learner = make_user(display_name="王小明", email="learner@example.org")
        Membership.create(cohort=cohort, user=guest, role="guest",
                          joined_at=now - timedelta(days=9))
        Membership.create(cohort=cohort, user=learner, role="learner",
                          joined_at=now - timedelta(days=9))
        slot = add_one_off_slot(cohort, now.replace(second=0, microsecond=0)
                                + timedelta(hours=1), actor=host, now=now)
        talk = propose_talk(cohort, guest, topic="小区团购的第一百天", abstract="三个教训",
                            preferred_slots=[slot], now=now)
        accept_talk(talk, slot, actor=host, now=now)
        confirm_talk(talk, guest=guest, now=now)
        ended = slot.starts_at + timedelta(minutes=slot.minutes)
        clock.travel_to(ended + timedelta(hours=1))
        talk = mark_held(talk, now=clock.now(), actor=host)
        publish_transcript(talk, "## 文字稿\n\n第一百天，我们……", actor=host, now=clock.now())
        for name, (score, line) in zip(RATERS, [(5, "数据讲得很清楚"), (3, "后半段有点赶")],
                                       strict=True):
            rater = make_user(display_name=name)
            Membership.create(cohort=cohort, user=rater, role="learner",
                              joined_at=now - timedelta(days=9))
            ratings.rate_talk(talk, rater, score=score, line=line, now=clock.now())
        talk = Talk.get_by_id(talk.id)
    return talk, learner


@pytest.mark.parametrize("viewport", ["phone"])
def test_member_rates_a_held_talk_on_the_phone(open_tab):
    talk, learner = arrange()
    tab = open_tab()
    page = tab.page
    sign_in(tab, "learner@example.org")
    tab.goto(f"/c/{SLUG}/archive")
    link = page.locator("#to-rate a.button")
    expect(link).to_have_text("给「小区团购的第一百天」打分")
    tab.screenshot("ratings-archive")
    link.click()
    tab.wait_for(f"/c/{SLUG}/talks/{talk.id}/rate")
    expect(page.locator("h2#rate")).to_have_text("给这次分享打分")
    page.locator("label.star", has_text="4").click()
    page.locator("#line").fill("第三个教训最有用，想听更多细节")
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    box = page.locator("label.star").first.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= 44
    tab.screenshot("ratings-form")
    page.locator("#rating-form button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/archive/{talk.number}")
    expect(page.locator(".flash.success")).to_contain_text("评分已保存")
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    page.locator("#rate").scroll_into_view_if_needed()
    tab.screenshot("ratings-saved")
    with connection():
        assert [(r.rater_id, r.score, r.line) for r in TalkRating.select().where(
            TalkRating.rater == learner.id)] == [(learner.id, 4, "第三个教训最有用，想听更多细节")]


@pytest.mark.parametrize("viewport", ["desktop"])
def test_guest_reads_average_and_lines_on_the_desktop(open_tab):
    talk, _learner = arrange()
    tab = open_tab()
    page = tab.page
    sign_in(tab, "guest@example.org")
    tab.goto(f"/c/{SLUG}/talks/mine")
    feedback = page.locator(f"#feedback-{talk.id}")
    expect(feedback.locator(".rating-summary")).to_have_text("★ 4.0 · 2 ratings")
    expect(feedback.locator("li.line")).to_have_count(2)
    expect(feedback).to_contain_text("数据讲得很清楚")
    expect(feedback).to_contain_text("后半段有点赶")
    text = page.locator("main").inner_text()
    assert [name for name in RATERS if name in text] == []
    feedback.scroll_into_view_if_needed()
    tab.screenshot("ratings-guest")

    host_tab = open_tab()
    page = host_tab.page
    sign_in(host_tab, "host@example.org")
    host_tab.goto(f"/c/{SLUG}/archive/{talk.number}")
    page.locator("#rate a[href$='/ratings']").click()
    host_tab.wait_for(f"/c/{SLUG}/talks/{talk.id}/ratings")
    expect(page.locator(".rating .rater")).to_have_text(list(reversed(RATERS)))
    page.locator("#below_bar").check()
    page.locator("#note").fill("后半段超时，下次请嘉宾先彩排")
    page.locator("#private-note button[type=submit]").click()
    host_tab.wait_for(f"/c/{SLUG}/talks/{talk.id}/ratings")
    expect(page.locator("#below_bar")).to_be_checked()
    host_tab.screenshot("ratings-staff")
    host_tab.goto(f"/u/{talk.guest_id}")
    expect(page.locator(".speaker-record li")).to_contain_text("1 session held")
    host_tab.screenshot("ratings-speaker-record")
