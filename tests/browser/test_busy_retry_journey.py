"""The deadline rush from the learner's side, in a real Chromium: the server is overloaded and
answers the homework form with 503 and Retry-After (as learnclub.arrival sheds a request that
waited too long). The page keeps the text, says in words that the server is busy and when it
sends again, and sends it again by itself; the homework is stored once, as written.

The 503 is the browser's own route answering the first POST, so the test does not need a
server that is really overloaded; the second POST goes to the live server.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock as app_clock
from learnclub.db import connection
from learnclub.models import Submission
from tests.browser.test_homework_journey import send, sign_in, type_into
from tests.factories import make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

TEXT = "截止前一分钟写完：先找 20 位邻居聊。Written in the last minute."
BUSY = {"phone": "服务器正忙，你写的内容保存在本设备上", "desktop": "The server is busy; your text"}
SAVED = {"phone": "作业已提交", "desktop": "Homework submitted."}


def arrange():
    with connection():
        host = make_user(can_host=True, email="rush-host@example.org")
        learner = make_user(display_name="林小雨", email="rush@example.org")
        cohort = make_cohort(host=host, slug="rush-lab", name="截止冲刺营")
        make_member(cohort, learner)
        case = make_case(cohort, publish_at=app_clock.now() - timedelta(hours=71, minutes=50))
    return case, learner


def test_busy_server_is_retried_by_the_page(open_tab, live_server, viewport):
    case, learner = arrange()
    path = f"/c/rush-lab/cases/{case.id}"
    tab = open_tab()
    tab.goto(path)
    sign_in(tab, learner.email)
    tab.wait_for(path)
    posts = []

    def busy_once(route):
        posts.append(route.request.method)
        if len(posts) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    tab.page.route(f"**{path}/homework", busy_once)
    type_into(tab, TEXT)
    send(tab)
    status = tab.page.locator("#homework-status")
    expect(status).to_contain_text(BUSY[viewport])
    expect(tab.page.locator("#homework-form button[value=save]")).to_be_disabled()
    tab.screenshot("homework-busy-retry")

    expect(tab.page.locator("main .flash.success[role=status]")).to_contain_text(SAVED[viewport])
    assert posts == ["POST", "POST"]
    tab.problems[:] = [p for p in tab.problems if "503" not in p]  # the answer we staged
    tab.check()
    with connection():
        stored = Submission.get((Submission.case == case.id) & (Submission.user == learner.id))
    assert (stored.body_md, stored.late_seconds) == (TEXT, 0)
