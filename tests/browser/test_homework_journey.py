"""The homework journey from the issue, in a real Chromium.

On the phone (zh-CN) a learner writes homework on an open case in Chinese and English, by
keyboard: the counter counts like the server's `count_length`, the preview renders the
Markdown. The draft survives a reload, a dropped connection and an expired session, and is
forgotten only once the server has confirmed it. A too-short text and a closed window are
refused by the server with the text kept in the form. On the desktop (en-US) a second learner
sees peers' homework only after submitting their own, then likes and comments on it.

People, cohorts and cases are arranged through the factories in the live server's database;
everything else goes through the pages.
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.homework.submission import count_length
from learnclub.i18n import translations_for
from learnclub.models import Comment, Like, Submission
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

ZH = translations_for("zh-CN")
SLUG, SHORT_SLUG, CLOSING_SLUG = "homework-lab", "homework-min", "homework-closing"
PROMPT = "如果你来做这个小区的社群，第一周你会做哪三件事？"
# typed in three goes: the first with Markdown, the second after a reload, the third in English
FIRST = "第一周我先做**三件事**：\n\n1. 找到 20 位愿意说话的邻居\n"
SECOND = "2. 每晚 8 点发菜单，9 点截单\n"
THIRD = "3. Ask each neighbour to share one photo of dinner, every day."
PEER_TEXT = "我会先建一个**团长群**，每周复盘一次。"
COMMENT = "团长群这个想法很好,我们小区也试试。"
DRAFT_KEY = "learnclub:draft:{case}:{user}"


def sign_in(tab, email):
    """Sign in through the form: the one on the page, else the sign-in page's."""
    if not tab.page.url.startswith(tab.base + "/login"):
        tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()


def type_into(tab, text):
    """Type like a person: key by key at the end of the text, so input events fire."""
    area = tab.page.locator("#body_md")
    area.focus()
    tab.page.keyboard.press("Control+End")  # after the last line
    area.press_sequentially(text)


def counted(tab):
    """The number the live counter shows (the first number in its text)."""
    counter = tab.page.locator("#body_md-count")
    expect(counter).to_have_text(re.compile(r"\d"))
    return int(re.search(r"\d+", counter.inner_text()).group(0))


def expect_count(tab, text):
    expected = count_length(text)
    expect(tab.page.locator("#body_md-count")).to_have_text(
        re.compile(rf"(^|\D){expected}(\D|$)"))
    assert counted(tab) == expected


def send(tab):
    tab.page.locator("#homework-form button[name=action][value=save]").click()


def draft_in_storage(tab, key):
    return tab.page.evaluate("(key) => localStorage.getItem(key)", key)


def expected_refusal(tab, path, status=422):
    """A refusal answered on purpose: the one HTTP problem (and the console's note of it)."""
    assert tab.problems, "expected the server to refuse"
    assert all(path in p and str(status) in p for p in tab.problems), tab.problems
    tab.problems.clear()


def arrange():
    """Host, two learners; an open case, a case with a minimum length, a closed case and one
    about to close. Returns the rows as a dict."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="mingyuan@example.org")
        xiaoyu = make_user(display_name="林小雨", email="xiaoyu@example.org")
        dashan = make_user(display_name="王大山", email="dashan@example.org")
        lab = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        short = make_cohort(host=host, slug=SHORT_SLUG, name="写够 30 字", homework_min_length=30)
        closing = make_cohort(host=host, slug=CLOSING_SLUG, name="已截止的营")
        for cohort in (lab, short, closing):
            make_member(cohort, xiaoyu)
        make_member(lab, dashan)
        rows = {
            "host": host, "xiaoyu": xiaoyu, "dashan": dashan,
            "open": make_case(lab, title="小区生鲜团购", homework_prompt=PROMPT,
                              publish_at=now - timedelta(hours=1)),
            "short": make_case(short, title="三十字起", publish_at=now - timedelta(hours=1)),
            "closed": make_case(closing, title="上上周的案例",
                                publish_at=now - timedelta(hours=100)),
            "closing": make_case(closing, title="马上截止", publish_at=now - timedelta(hours=1)),
        }
        for case in ("open", "short", "closed", "closing"):
            rows[case].path = f"/c/{rows[case].cohort.slug}/cases/{rows[case].id}"
    return rows


def case_path(case):
    return case.path


def learner_drafts(tab, case):
    """Open the case, type the first part: live counter and preview follow."""
    tab.goto(case_path(case))
    page = tab.page
    expect(page.locator("section.homework-box .prompt")).to_have_text(PROMPT)
    expect(page.locator("#draft-note")).to_be_hidden()
    expect(page.locator("#body_md")).to_have_value("")
    type_into(tab, FIRST)
    expect_count(tab, FIRST)
    expect(page.locator("#homework-preview strong")).to_have_text("三件事")
    expect(page.locator("#homework-preview li")).to_have_text("找到 20 位愿意说话的邻居")
    tab.check()


def draft_survives_reload(tab):
    tab.page.reload()
    tab.check()
    expect(tab.page.locator("#body_md")).to_have_value(FIRST)
    expect(tab.page.locator("#draft-note")).to_be_visible()
    expect(tab.page.locator("#draft-note")).to_contain_text(
        ZH.gettext("Restored your unsent draft from this browser."))
    expect_count(tab, FIRST)
    expect(tab.page.locator("#homework-preview strong")).to_have_text("三件事")
    type_into(tab, SECOND)
    expect_count(tab, FIRST + SECOND)
    expect(tab.page.locator("#homework-preview li")).to_have_count(2)
    tab.screenshot("homework-draft")


def draft_survives_lost_connection(tab, case):
    context = tab.page.context
    context.set_offline(True)
    send(tab)
    # the page stays, says the connection dropped and that it will send again by itself
    expect(tab.page.locator("#homework-status")).to_contain_text("连接中断")
    expect(tab.page.locator("#body_md")).to_have_value(FIRST + SECOND)
    context.set_offline(False)
    tab.problems[:] = [p for p in tab.problems if "ERR_INTERNET_DISCONNECTED" not in p]
    tab.goto(case_path(case))
    expect(tab.page.locator("#body_md")).to_have_value(FIRST + SECOND)
    expect(tab.page.locator("#draft-note")).to_be_visible()
    expect(tab.page.locator("#homework-preview li")).to_have_count(2)


def draft_survives_expired_session(tab, case, email):
    type_into(tab, THIRD)
    expect_count(tab, FIRST + SECOND + THIRD)
    # the live preview (sent half a second after the last key) has come back: it must not
    # go out after the session ended below and be refused on the sign-in page
    expect(tab.page.locator("#homework-preview li")).to_have_count(3)
    tab.page.context.clear_cookies()  # the session ended while the learner was writing
    send(tab)
    tab.wait_for("/login", next=case_path(case))
    sign_in(tab, email)
    tab.wait_for(case_path(case))
    expect(tab.page.locator("#body_md")).to_have_value(FIRST + SECOND + THIRD)
    expect(tab.page.locator("#draft-note")).to_be_visible()


def learner_submits(tab, case, user):
    text = FIRST + SECOND + THIRD
    key = DRAFT_KEY.format(case=case.id, user=user.id)
    assert draft_in_storage(tab, key)
    send(tab)
    tab.wait_for(case_path(case))
    assert tab.page.url.endswith("#my-homework")
    flash = tab.page.locator("main .flash.success[role=status]")
    expect(flash).to_contain_text("作业已提交，")  # and until when it can be changed
    mine = tab.page.locator("#my-homework")
    expect(mine).to_be_visible()
    expect(tab.page.locator("article.submission .prose strong")).to_have_text("三件事")
    with connection():
        stored = Submission.get((Submission.case == case.id) & (Submission.user == user.id))
    assert stored.body_md == text
    assert stored.length == count_length(text)
    tab.screenshot("homework-submitted")
    tab.page.reload()
    tab.check()
    expect(tab.page.locator("#body_md")).to_have_value(text)  # now the server's text
    expect(tab.page.locator("#draft-note")).to_be_hidden()
    assert draft_in_storage(tab, key) is None


def too_short_is_refused(tab, case, user):
    tab.goto(case_path(case))
    text = "太短了,only a few words."
    type_into(tab, text)
    n = count_length(text)
    expect(tab.page.locator("#body_md-count")).to_have_text(f"已写 {n} 字，还差 {30 - n} 字")
    send(tab)  # sent by the page's script: the answer replaces the page, the address stays
    message = ZH.gettext("Write at least %(min)d characters or words: %(missing)d more to go."
                         ) % {"min": 30, "missing": 30 - n}
    expect(tab.page.locator("#body_md-error")).to_have_text(message)
    expected_refusal(tab, case_path(case))
    tab.check()
    expect(tab.page.locator("#body_md")).to_have_value(text)
    # refused is not confirmed: the browser still keeps the draft, a reload brings it back
    assert draft_in_storage(tab, DRAFT_KEY.format(case=case.id, user=user.id))
    tab.goto(case_path(case))
    expect(tab.page.locator("#body_md")).to_have_value(text)
    expect(tab.page.locator("#draft-note")).to_be_visible()
    with connection():
        assert Submission.select().where(Submission.case == case.id).count() == 0


def closed_window_refuses(tab, closed, closing, user, clock):
    tab.goto(case_path(closed))
    expect(tab.page.locator("#homework-form")).to_have_count(0)
    expect(tab.page.locator("section.homework-box .flash.error")).to_have_text(
        ZH.gettext("Homework for this case is closed; it was not submitted."))
    tab.goto(case_path(closing))
    text = "截止前最后一刻写完了。Just in time?"
    type_into(tab, text)
    with connection():  # the window closes while the page is open: time passes its grace
        clock.to(closing, "after_close")
    send(tab)
    expect(tab.page.locator("#homework-form .flash.error[role=alert]")).to_have_text(
        ZH.gettext("Homework for this case closed at the end of the grace period; "
                   "it can no longer be submitted or changed."))
    expected_refusal(tab, case_path(closing))
    tab.check()
    expect(tab.page.locator("#body_md")).to_have_value(text)  # nothing lost
    assert draft_in_storage(tab, DRAFT_KEY.format(case=closing.id, user=user.id))
    with connection():
        assert Submission.select().where(Submission.case == closing.id).count() == 0


def peer_reads_likes_and_comments(tab, case, author):
    tab.goto(case_path(case))
    page = tab.page
    expect(page.locator("article.submission")).to_have_count(0)  # hidden until one's own
    expect(page.locator("main")).to_contain_text(
        "Peers' homework shows here once you have submitted your own.")
    type_into(tab, PEER_TEXT)
    expect_count(tab, PEER_TEXT)
    send(tab)
    tab.wait_for(case_path(case))
    expect(page.locator("main .flash.success[role=status]")).to_contain_text("Homework submitted.")
    with connection():
        theirs = Submission.get((Submission.case == case.id) & (Submission.user == author.id))
    peer = page.locator(f"#homework-{theirs.id}")
    expect(peer.locator(".submission-head strong")).to_have_text(author.display_name)
    expect(peer.locator(".prose strong")).to_have_text("三件事")
    like = peer.locator(".actions button[aria-pressed]")
    expect(like.locator(".like-count")).to_have_text("0")
    like.click()  # sent by the page's script: the count changes in place
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".like-count")).to_have_text("1")
    peer.locator(f"#comments-{theirs.id} > summary").click()  # the talk opens in place
    peer.locator(f"#comment-{theirs.id}").fill(COMMENT)
    peer.locator(".comment-form button[type=submit]").click()
    expect(peer.locator(".comment-form .live-status")).to_have_text("Comment posted.")
    expect(peer.locator(".comments .comment .prose")).to_have_text(COMMENT)
    tab.check()
    tab.screenshot("homework-peers")
    with connection():
        assert Like.select().where(Like.submission == theirs.id).count() == 1
        assert Comment.get(Comment.submission == theirs.id).body_md == COMMENT


@pytest.mark.parametrize("viewport", ["phone"])
def test_homework_draft_is_never_lost(open_tab, live_server, viewport, clock):
    rows = arrange()
    xiaoyu, dashan = open_tab("phone"), open_tab("desktop")
    sign_in(xiaoyu, rows["xiaoyu"].email)
    xiaoyu.wait_for("/")
    expect(xiaoyu.page.locator("html")).to_have_attribute("lang", "zh-Hans")

    learner_drafts(xiaoyu, rows["open"])
    draft_survives_reload(xiaoyu)
    draft_survives_lost_connection(xiaoyu, rows["open"])
    draft_survives_expired_session(xiaoyu, rows["open"], rows["xiaoyu"].email)
    learner_submits(xiaoyu, rows["open"], rows["xiaoyu"])
    too_short_is_refused(xiaoyu, rows["short"], rows["xiaoyu"])

    sign_in(dashan, rows["dashan"].email)
    dashan.wait_for("/")
    expect(dashan.page.locator("html")).to_have_attribute("lang", "en")
    peer_reads_likes_and_comments(dashan, rows["open"], rows["xiaoyu"])
    closed_window_refuses(xiaoyu, rows["closed"], rows["closing"], rows["xiaoyu"], clock)
    assert xiaoyu.problems == dashan.problems == []
