"""Members write too (轮值, docs/rules.md "Members write too") in a real Chromium: the host, on a
desktop in English, hands a coming case to a learner from the schedule; the learner, on a
phone in Chinese, finds "轮到你写案例" on the cohort's to-do, writes the case in the editor,
previews it and submits it to the host; the host sees it waiting for review and approves it;
when its time comes the learner reads it with its author.

Screenshots: desktop-member-cases-assign, phone-member-cases-todo, phone-member-cases-editor,
desktop-member-cases-review, phone-member-cases-published.

Taking a case back: the host hands the case to 周明远, who starts a draft on the phone; the
host takes it back from the schedule (on a desktop in English, and on a phone in Chinese);
the member finds the message in 消息 and no longer has the case to write.
Screenshots: desktop-member-cases-take-back, phone-member-cases-take-back,
phone-member-cases-taken-back-message.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.cases.editing import create_case
from learnclub.models import Case
from tests.browser.test_cases_journey import sign_in
from tests.factories import make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "community-lab"
TITLE = "社群的冷启动"


def arrange():
    """A cohort, its host, the learner 林小雨 and a case coming in three days."""
    with connection():
        host = make_user(display_name="林主理", email="host@example.org", can_host=True)
        cohort = make_cohort(host, slug=SLUG, name="社群实验室")
        make_member(cohort, make_user(display_name="林小雨", email="xiaoyu@example.org"))
        make_member(cohort, make_user(display_name="周明远", email="mingyuan@example.org"))
        case = create_case(cohort, {"title": TITLE, "body_md": "", "homework_prompt": "",
                                    "publish_at": clock.now() + timedelta(days=3)},
                           actor=host, now=clock.now())
        return case.id


@pytest.mark.parametrize("viewport", ["desktop"])
def test_host_hands_a_case_to_a_member_who_writes_it_and_the_host_approves(open_tab):
    case_id = arrange()
    host = open_tab("desktop")
    sign_in(host, "host@example.org")
    host.goto(f"/c/{SLUG}/schedule")
    row = host.page.locator("tr", has_text=TITLE)
    row.locator("details.assign summary").click()
    row.locator("select[name=author]").select_option(label="林小雨")
    row.locator("details.assign button[type=submit]").click()
    host.wait_for(f"/c/{SLUG}/schedule")
    expect(host.page.locator("main .flash.success")).to_contain_text("林小雨")
    expect(row.locator(".review-writing")).to_have_text("林小雨 is writing it")
    host.screenshot("member-cases-assign")

    learner = open_tab("phone")
    sign_in(learner, "xiaoyu@example.org")
    learner.goto(f"/c/{SLUG}/")
    todo = learner.page.locator(".todo-write")
    expect(todo.locator(".todo-case-title")).to_contain_text(f"轮到你写案例：《{TITLE}》")
    learner.screenshot("member-cases-todo")
    todo.locator("a.write-case").click()
    learner.wait_for(f"/c/{SLUG}/cases/{case_id}/edit")
    expect(learner.page.locator("#publish-mode")).to_have_count(0)  # the host keeps the times
    learner.page.locator("#body_md").fill(
        "## 第一周\n\n我在小区里拉了三个群，先找到 20 位愿意说话的邻居。")
    learner.page.locator("#homework_prompt").fill("如果是你，第一周会做哪三件事？")
    expect(learner.page.locator("#case-preview h2")).to_have_text("第一周")  # live preview
    learner.screenshot("member-cases-editor")
    learner.page.locator("#case-form button[value=submit]").click()
    learner.wait_for(f"/c/{SLUG}/")
    expect(learner.page.locator("main .flash.success")).to_contain_text("已提交")
    expect(learner.page.locator(".todo-write")).to_have_count(0)
    with connection():
        assert Case.get_by_id(case_id).review_state == "submitted"

    host.goto(f"/c/{SLUG}/schedule")
    row = host.page.locator("tr", has_text=TITLE)
    expect(row.locator(".review-submitted")).to_contain_text("Waiting for review")
    host.screenshot("member-cases-review")
    row.locator("form[action$='/approve'] button").click()
    host.wait_for(f"/c/{SLUG}/schedule")
    expect(host.page.locator("main .flash.success")).to_contain_text("Approved")
    with connection():
        case = Case.get_by_id(case_id)
        assert case.review_state == "approved"
    clock.travel_to(case.publish_at + timedelta(minutes=1))
    learner.goto(f"/c/{SLUG}/cases/{case_id}")
    expect(learner.page.locator(".case-author")).to_have_text("本期案例作者：林小雨")
    learner.screenshot("member-cases-published")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_host_takes_a_case_back_and_the_member_is_told(open_tab, viewport):
    case_id = arrange()
    host = open_tab()
    sign_in(host, "host@example.org")
    host.goto(f"/c/{SLUG}/schedule")
    row = host.page.locator("tr", has_text=TITLE)
    row.locator("details.assign summary").click()
    row.locator("select[name=author]").select_option(label="周明远")
    row.locator("details.assign button[type=submit]").click()
    host.wait_for(f"/c/{SLUG}/schedule")

    member = open_tab("phone")
    sign_in(member, "mingyuan@example.org")
    member.goto(f"/c/{SLUG}/cases/{case_id}/edit")
    member.page.locator("#body_md").fill("## 第一周\n\n先写下开头。")
    member.page.locator("#case-form button[value=save]").click()
    member.wait_for(f"/c/{SLUG}/cases/{case_id}/edit")

    host.goto(f"/c/{SLUG}/schedule")
    row = host.page.locator("tr", has_text=TITLE)
    row.locator("details.take-back summary").click()
    expect(row.locator("details.take-back .hint")).to_contain_text("周明远")
    host.screenshot("member-cases-take-back")
    row.locator("details.take-back button[type=submit]").click()
    host.wait_for(f"/c/{SLUG}/schedule")
    expect(host.page.locator("main .flash.success")).to_contain_text(
        "收回" if viewport == "phone" else "Taken back")
    expect(host.page.locator("tr", has_text=TITLE).locator(".review-state")).to_have_count(0)
    with connection():
        case = Case.get_by_id(case_id)
        assert (case.review_state, case.author_id, case.body_md) == (
            "", None, "## 第一周\n\n先写下开头。")

    member.goto("/messages")
    expect(member.page.locator("ul.messages li.message.unread")).to_contain_text(
        f"收回了《{TITLE}》")
    member.screenshot("member-cases-taken-back-message")
    member.goto(f"/c/{SLUG}/")
    expect(member.page.locator(".todo-write")).to_have_count(0)
