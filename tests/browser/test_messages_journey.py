"""消息 in a real Chromium: a host writes feedback (点评) on a learner's homework; the
learner (phone, zh-CN; desktop, en-US) sees the unread badge in the navigation, opens 消息,
follows the message to the homework, and the count drops. Nothing was mailed yet: the
message is there at once, the mail comes with the next digest.

People, the cohort, the case and the homework are arranged through the factories in the live
server's database; everything else goes through the pages.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.homework.submission import submit_homework
from learnclub.i18n import translations_for
from learnclub.models import Comment, InboxMessage
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "messages-lab"
FEEDBACK = "思路清晰！第二步可以再具体一点：<b>每晚 8 点</b>发什么？"
SAYS = "%(actor)s gave feedback on your homework for “%(case)s”"
LANGUAGE = {"phone": "zh-CN", "desktop": "en"}


def sign_in(tab, email):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def arrange():
    """A host, a learner who has handed in homework on an open case. Returns the rows."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        learner = make_user(display_name="林小雨", email="xiaoyu@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营")
        make_member(cohort, learner)
        case = make_case(cohort, title="小区生鲜团购", publish_at=now - timedelta(hours=1))
        submission, _new = submit_homework(case, learner, "第一周先建团长群，每晚 8 点发菜单。",
                                           now=now)
    return {"host": host, "learner": learner, "case": case, "submission": submission,
            "path": f"/c/{SLUG}/cases/{case.id}"}


def host_gives_feedback(tab, rows):
    tab.goto(rows["path"])
    theirs = tab.page.locator(f"#homework-{rows['submission'].id}")
    talk = theirs.locator("details")
    if talk.count() and talk.first.get_attribute("open") is None:
        talk.first.locator("summary").click()
    theirs.locator(f"#comment-{rows['submission'].id}").fill(FEEDBACK)
    theirs.locator(".comment-form button[type=submit]").click()
    expect(theirs.locator(".comment").first).to_contain_text("每晚 8 点")
    tab.check()
    with connection():
        assert Comment.select().where(Comment.is_feedback).count() == 1


def nav_link(tab):
    """The link to 消息 the navigation shows on this screen (the phone's tab bar, the
    desktop's top bar)."""
    return tab.page.locator("a[href='/messages']:visible").first


BADGE = ".unread-count, .tab-badge"


def learner_sees_badge_opens_and_follows(tab, rows, words):
    tab.goto("/")
    badge = nav_link(tab).locator(BADGE)
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1")
    nav_link(tab).click()
    tab.wait_for("/messages")
    message = tab.page.locator("ul.messages li.message.unread")
    expect(message).to_have_count(1)
    expect(message.locator(".says")).to_have_text(
        words.gettext(SAYS) % {"actor": "周明远", "case": "小区生鲜团购"})
    expect(message.locator(".excerpt")).to_have_text(FEEDBACK)  # the tags shown, not obeyed
    expect(tab.page.locator("ul.messages b")).to_have_count(0)
    tab.screenshot("messages-unread")

    message.locator("a").click()
    tab.wait_for(rows["path"])
    assert tab.page.url.endswith(f"#homework-{rows['submission'].id}")
    expect(tab.page.locator(f"#homework-{rows['submission'].id}")).to_be_visible()
    expect(nav_link(tab).locator(BADGE)).to_have_count(0)
    tab.screenshot("messages-followed")

    nav_link(tab).click()
    tab.wait_for("/messages")
    expect(tab.page.locator("ul.messages li.message")).to_have_count(1)
    expect(tab.page.locator("ul.messages li.message.unread")).to_have_count(0)
    tab.screenshot("messages-read")
    with connection():
        assert InboxMessage.get().read_at is not None


def test_feedback_reaches_the_learner_in_the_app(open_tab, viewport):
    rows = arrange()
    host, learner = open_tab("desktop"), open_tab(viewport)
    sign_in(host, rows["host"].email)
    host_gives_feedback(host, rows)

    sign_in(learner, rows["learner"].email)
    expect(learner.page.locator("html")).to_have_attribute(
        "lang", re.compile("zh" if viewport == "phone" else "en"))
    learner_sees_badge_opens_and_follows(learner, rows, translations_for(LANGUAGE[viewport]))
    assert host.problems == learner.problems == []
