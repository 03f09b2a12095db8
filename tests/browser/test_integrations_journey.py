"""Chat groups in a real Chromium, on the phone (zh-CN) and on the desktop (en-US): the host
adds a generic JSON webhook pointing at a real receiver on 127.0.0.1, presses "Send test
message", the jobs run (as `learnclub jobs run-due` would) and the receiver gets the post, the
page then shows it sent; on a case's homework report the host copies the 未交名单 and the
clipboard holds it with its @group nicknames. Screenshots: integrations-new-error,
integrations, missing-list.

People, the cohort and the case are arranged through the factories in the live server's
database; everything else goes through the pages.
"""
import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock, jobs
from learnclub.db import connection
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.participation.missing_list import missing_list_text
from learnclub.models import ChatHook, Membership, Submission
from tests.browser.test_participation_journey import sign_in
from tests.chat_receiver import running_receiver
from tests.factories import make_case, make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "chat-lab"


def arrange():
    """A cohort with an open case: two learners with group nicknames and one without have
    not written yet, one has."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        case = make_case(cohort, title="小区生鲜团购：从一个群到一张网",
                         publish_at=now - timedelta(hours=5))
        for name, nickname in (("王小明", "小明-杭州"), ("Li Lei", ""), ("赵六", "六六 | 上海"),
                               ("张三", "三哥")):
            user = make_user(display_name=name, group_nickname=nickname)
            Membership.create(cohort=cohort, user=user, role="learner",
                              joined_at=now - timedelta(days=3))
        Submission.create(case=case, user=user, body_md="我的作业", submitted_at=now,
                          updated_at=now)  # 张三 wrote
    return case


def add_robot(tab, url):
    """The add form refuses an address without its scheme, keeps what was typed, then saves."""
    tab.goto(f"/c/{SLUG}/integrations/new")
    page = tab.page
    page.locator("#kind").select_option("generic")
    page.locator("#label").fill("自建接收端")
    page.locator("#url").fill(url.removeprefix("http://"))
    page.locator("#events-case_published").uncheck()
    page.locator("#events-homework_due").uncheck()
    page.locator("form.hook-form button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/integrations/new")
    expect(page.locator("#url-error")).to_be_visible()
    expect(page.locator("#label")).to_have_value("自建接收端")
    expect(page.locator("#events-homework_due")).not_to_be_checked()
    tab.screenshot("integrations-new-error")
    page.locator("#url").fill(url)
    page.locator("form.hook-form button[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/integrations")
    with connection():
        hook = ChatHook.get(ChatHook.label == "自建接收端")
    assert (hook.kind, hook.url, hook.events) == ("generic", url,
                                                  "removals,guest_week,archive_entry,announcement")
    return hook


def test_host_connects_a_group_and_copies_the_missing_list(open_tab, live_app, viewport):
    live_app.config["CHAT_ALLOW_PRIVATE"] = True  # the receiver is on loopback
    case = arrange()
    tab = open_tab()
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.base)
    sign_in(tab, "host@example.org")

    with running_receiver() as receiver:
        url, posts = receiver.url("/hooks/learnclub"), receiver.requests
        hook = add_robot(tab, url)
        card = tab.page.locator(f"#hook-{hook.id}")
        expect(card.locator("code.masked")).to_have_text(f"{url[:url.index('/', 8)]}/…club")
        card.locator(f'form[action$="/integrations/{hook.id}/test"] button').click()
        tab.wait_for(f"/c/{SLUG}/integrations")
        expect(tab.page.locator("main .flash.success")).to_have_count(1)
        expect(tab.page.locator("li.delivery.state-pending")).to_have_count(1)

        results = jobs.run_due(dict(live_app.config), now=clock.now())
        tab.goto(f"/c/{SLUG}/integrations")
    assert results["send_posts"] == (1, 0)
    assert [json.loads(post.body)["event"] for post in posts] == ["test"]
    expect(tab.page.locator("li.delivery.state-sent")).to_have_count(1)
    expect(tab.page.locator("li.delivery")).to_have_count(1)
    tab.screenshot("integrations")

    tab.goto(f"/c/{SLUG}/tracking/cases/{case.id}")
    tab.page.locator("button[data-copy=missing-list]").click()
    expect(tab.page.locator("#copy-done")).to_be_visible()
    with connection():
        expected = missing_list_text(case.cohort, schedule_of(case.cohort)[0],
                                     link=f"{tab.base}/c/{SLUG}/cases/{case.id}")
    copied = tab.page.evaluate("navigator.clipboard.readText()")
    assert copied == expected
    assert copied.splitlines()[2].endswith("@Li Lei @六六 | 上海 @小明-杭州")
    assert tab.page.locator("#missing-list").input_value() == expected
    tab.check()
    tab.screenshot("missing-list")
