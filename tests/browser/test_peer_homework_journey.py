"""Peers' homework on a phone (zh-CN) and a desktop (en), in a real Chromium.

A learner who has handed in opens a case with several peers' homework: her own shows once, as
"已提交 ✓ · 修改" above its card, and the editor opens under "修改". She opens "评论 (n)" on a
peer's card, comments and likes: the count and the list change in place, the page is never
loaded again (a marker put on `window` survives). A refused comment is said in words beside
the button. A long post is folded and opens with "展开全文". Without JavaScript the same
comment form still posts, and the page comes back with the comment.

People, the cohort, the case and the homework are arranged through the factories and domain
functions in the live server's database; everything else goes through the pages.
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.homework.feedback import add_comment
from learnclub.domain.homework.submission import submit_homework
from learnclub.i18n import translations_for
from learnclub.models import Comment, Like
from tests.browser.conftest import VIEWPORTS, Tab
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_homework_journey import sign_in
from tests.factories import make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "peer-lab"
OWN = "我的作业：第一周先找到 **20 位**愿意说话的邻居。"
LONG = "\n\n".join(f"第{n}段：团长群每周复盘一次，把问题和办法都写下来，下周照着改。"
                   for n in range(1, 16))
COMMENT = {"phone": "团长群这个想法很好，我们小区也试试。", "desktop": "Great idea, we'll try it."}
LANGUAGE = {"phone": "zh-CN", "desktop": "en"}


def arrange():
    """A cohort with an open case, the learner 林小雨 who has handed in, five peers (one
    with a long text, one with a comment already). Returns the rows as a dict."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营")
        case = make_case(cohort, title="小区生鲜团购", publish_at=now - timedelta(hours=2))
        reader = make_member(cohort, make_user(display_name="林小雨", email="xiaoyu@example.org"))
        own, _ = submit_homework(case, reader, OWN, now=now - timedelta(minutes=30))
        names = ["王大山", "Grace Tan", "陈浩", "欧阳娜娜", "李想"]
        peers = []
        for n, name in enumerate(names):
            peer = make_member(cohort, make_user(display_name=name))
            text = LONG if n == 2 else f"{name}的作业：先建一个团长群。"
            made, _ = submit_homework(case, peer, text, now=now - timedelta(minutes=20 - n))
            peers.append(made)
        add_comment(peers[0], host, "写得清楚。", now=now)
    return {"case": case, "reader": reader, "own": own, "peers": peers,
            "path": f"/c/{SLUG}/cases/{case.id}"}


def stays(tab):
    """The page was not loaded again since `mark`: the marker on window is still there."""
    assert tab.page.evaluate("window.__peerMarker") == "still here"
    assert tab.navigations == []


def mark(tab):
    tab.page.evaluate("window.__peerMarker = 'still here'")
    tab.navigations = []
    tab.page.on("framenavigated", lambda frame: frame == tab.page.main_frame
                and tab.navigations.append(frame.url))


def own_work_once(tab, rows, tr):
    page = tab.page
    expect(page.locator("#edit-homework > summary")).to_have_text(
        f"{tr('Submitted ✓')} · {tr('Change')}")
    expect(page.locator("#homework-form")).to_be_hidden()
    expect(page.locator(f"#homework-{rows['own'].id} .prose strong")).to_have_text("20 位")
    expect(page.locator(".prose", has_text="愿意说话的邻居")).to_have_count(1)  # once
    page.locator("#edit-homework > summary").click()
    expect(page.locator("#homework-form")).to_be_visible()
    expect(page.locator("#body_md")).to_have_value(OWN)
    page.locator("#edit-homework > summary").click()  # folded again
    expect(page.locator("#homework-form")).to_be_hidden()


def comment_in_place(tab, rows, tr):
    page, peer = tab.page, rows["peers"][0]
    card = page.locator(f"#homework-{peer.id}")
    talk = card.locator(f"#comments-{peer.id}")
    expect(talk.locator(":scope > summary")).to_have_text(f"{tr('Comments')} (1)")
    expect(card.locator(f"#comment-{peer.id}")).to_be_hidden()
    talk.locator(":scope > summary").click()
    expect(card.locator(".comment .prose")).to_have_text("写得清楚。")
    # a comment of spaces only: refused by the server, said beside the button, nothing lost
    card.locator(f"#comment-{peer.id}").fill("   ")
    card.locator(".comment-form button[type=submit]").click()
    expect(card.locator(".comment-form .live-status.error")).to_have_text(
        tr("%(label)s is required.") % {"label": tr("Comment")})
    assert any(f"/homework/{peer.id}/comments" in p for p in tab.problems), tab.problems
    assert all("422" in p for p in tab.problems), tab.problems
    tab.problems.clear()  # the one refusal answered on purpose
    card.locator(f"#comment-{peer.id}").fill(COMMENT[tab.viewport])
    card.locator(".comment-form button[type=submit]").click()
    expect(card.locator(".comment-list > .comment")).to_have_count(2)
    expect(card.locator(".comment-list > .comment").last.locator(".prose")).to_have_text(
        COMMENT[tab.viewport])
    expect(talk.locator(":scope > summary")).to_have_text(f"{tr('Comments')} (2)")
    expect(card.locator(".comment-form .live-status")).to_have_text(tr("Comment posted."))
    expect(card.locator(f"#comment-{peer.id}")).to_have_value("")
    stays(tab)
    tab.screenshot("peer-homework-commented")


def reply_in_place(tab, rows, tr):
    page, peer = tab.page, rows["peers"][0]
    card = page.locator(f"#homework-{peer.id}")
    first = card.locator(".comment-list > .comment").first
    first.locator(".reply-box > summary").click()
    first.locator("textarea").fill("谢谢！")
    first.locator(".reply-box button[type=submit]").click()
    expect(first.locator(".replies .comment.reply .prose")).to_have_text("谢谢！")
    expect(first.locator(".reply-box")).not_to_have_attribute("open", "")
    expect(card.locator(f"#comments-{peer.id} > summary")).to_have_text(f"{tr('Comments')} (3)")
    stays(tab)


def like_in_place(tab, rows):
    peer = rows["peers"][1]
    like = tab.page.locator(f"#homework-{peer.id} .actions button[aria-pressed]")
    expect(like.locator(".like-count")).to_have_text("0")
    like.click()
    expect(like.locator(".like-count")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    like.click()  # and back
    expect(like.locator(".like-count")).to_have_text("0")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like.locator(".like-count")).to_have_text("1")
    stays(tab)


def long_post_folds(tab, rows, tr):
    peer = rows["peers"][2]
    card = tab.page.locator(f"#homework-{peer.id}")
    post = card.locator(".post")
    toggle = card.locator("button.more-toggle")
    expect(toggle).to_have_text(tr("Show all"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(post).to_have_class("post clamped")
    expect(card.get_by_text("第15段")).not_to_be_in_viewport()
    folded = post.evaluate("p => p.clientHeight")
    short = tab.page.locator(f"#homework-{rows['peers'][0].id} button.more-toggle")
    expect(short).to_have_count(0)  # a short text is never folded
    toggle.click()
    expect(toggle).to_have_text(tr("Show less"))
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(post).to_have_class("post")
    assert post.evaluate("p => p.clientHeight") > 2 * folded
    card.get_by_text("第15段").scroll_into_view_if_needed()
    expect(card.get_by_text("第15段")).to_be_in_viewport()
    stays(tab)


def test_peer_homework_on_the_page_without_reloading(open_tab, live_server, viewport):
    rows = arrange()
    tr = translations_for(LANGUAGE[viewport]).gettext
    tab = open_tab()
    tab.goto(rows["path"])
    sign_in(tab, rows["reader"].email)
    tab.wait_for(rows["path"])
    tab.screenshot("peer-homework-case")
    mark(tab)

    own_work_once(tab, rows, tr)
    comment_in_place(tab, rows, tr)
    reply_in_place(tab, rows, tr)
    like_in_place(tab, rows)
    long_post_folds(tab, rows, tr)
    tab.screenshot("peer-homework-done")
    tab.check()
    # with the talk, a reply box and the editor open: still nothing axe calls serious
    tab.page.locator("#edit-homework > summary").click()
    tab.page.locator(f"#homework-{rows['peers'][0].id} .reply-box > summary").first.click()
    assert blocking_violations(tab, Axe()) == []

    with connection():
        assert [c.body_md for c in Comment.select().where(
            Comment.submission == rows["peers"][0].id).order_by(Comment.id)] == [
            "写得清楚。", COMMENT[viewport], "谢谢！"]
        assert Like.select().where((Like.submission == rows["peers"][1].id)
                                   & (Like.user == rows["reader"].id)).count() == 1


@pytest.mark.parametrize("viewport", ["phone"])
def test_peer_homework_comment_and_like_without_javascript(browser, live_server, viewport):
    rows = arrange()
    tr = translations_for("zh-CN").gettext
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS["phone"])
    context.set_default_timeout(10_000)
    try:
        tab = Tab(context, live_server, "phone")
        tab.goto(rows["path"])
        sign_in(tab, rows["reader"].email)
        tab.wait_for(rows["path"])
        peer = rows["peers"][0]
        card = tab.page.locator(f"#homework-{peer.id}")
        card.locator(f"#comments-{peer.id} > summary").click()  # <details>: no script needed
        card.locator(f"#comment-{peer.id}").fill("没有脚本也能评论。")
        card.locator(".comment-form button[type=submit]").click()
        tab.wait_for(rows["path"])
        expect(tab.page.locator("main .flash.success")).to_have_text(tr("Comment posted."))
        expect(card.locator(f"#comments-{peer.id} > summary")).to_have_text(
            f"{tr('Comments')} (2)")
        card.locator(f"#comments-{peer.id} > summary").click()
        expect(card.locator(".comment-list > .comment").last.locator(".prose")).to_have_text(
            "没有脚本也能评论。")
        like = card.locator(".actions button[aria-pressed]")
        like.click()
        tab.wait_for(rows["path"])
        expect(like.locator(".like-count")).to_have_text("1")
        # without the script nothing is folded: the long text shows whole
        long_card = tab.page.locator(f"#homework-{rows['peers'][2].id}")
        expect(long_card.locator("button.more-toggle")).to_have_count(0)
        expect(long_card.get_by_text("第15段")).to_be_visible()
        tab.screenshot("peer-homework-no-script")
        tab.check()
    finally:
        context.close()
    with connection():
        assert Comment.select().where(Comment.body_md == "没有脚本也能评论。").count() == 1
        assert Like.select().where(Like.user == rows["reader"].id).count() == 1
