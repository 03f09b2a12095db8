"""Moving an announced due time earlier, in a real Chromium (issue 13 point 3): the host sets
an earlier due time on a case that is out and mailed; the editor refuses to save it yet and
says who it affects (2 learners, 1 of whom has not written); the host ticks the confirmation
(a plain checkbox: no script needed) and saves; the page then says when the case went out and
when it is now due, and both learners have a mail about it.

The host runs on the parametrized viewport (desktop en-US, phone zh-CN). People, the cohort
and the case are arranged through the domain in the live server's database; the live server
reads the test's clock.
"""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from learnclub import clock, jobs
from learnclub.db import connection
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Case, OutboxMessage
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.shown import shown

pytestmark = pytest.mark.browser

SLUG = "due-lab"
ZONE = ZoneInfo("Asia/Shanghai")
PREVIEW = {
    "desktop": "it affects 2 learners, 1 of them have not written yet",
    "phone": "影响 2 位学员，其中 1 位还没有写作业",
}
SAVED = {"desktop": "It goes out on", "phone": "它将于"}


#: the host's page language on each viewport
LOCALE = {"phone": "zh", "desktop": "en"}


def sign_in(tab, email):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def arrange(live_app, clock_handle):
    """A cohort with two learners and a case out for an hour and announced; one learner has
    written. Returns (host, case)."""
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营")
        wrote = make_member(cohort, make_user(email="wrote@example.org"))
        make_member(cohort, make_user(email="silent@example.org"))
        soon = clock.now().replace(second=0, microsecond=0) + timedelta(hours=1)
        case = make_case(cohort, publish_at=soon, title="小区生鲜团购")
        clock_handle.advance(hours=2)
        assert jobs.run_due(dict(live_app.config), now=clock.now())["announce_cases"] == 1
        submit_homework(case, wrote, "我的三点", now=clock.now())
        return host, Case.get_by_id(case.id)


def test_host_moves_announced_due_earlier_after_preview(open_tab, live_app, viewport, clock):
    host_user, case = arrange(live_app, clock)
    earlier = case.publish_at + timedelta(hours=48)
    host = open_tab()
    sign_in(host, host_user.email)

    host.goto(f"/c/{SLUG}/cases/{case.id}/edit")
    page = host.page
    page.locator("#due_at").fill(earlier.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#case-form button[name=action][value=save]").click()
    expect(page.locator("#due_at-error")).to_contain_text(PREVIEW[viewport])
    confirm = page.locator("#confirm_earlier")
    expect(confirm).to_have_count(1)
    with connection():
        assert Case.get_by_id(case.id).due_at_fixed is None  # nothing saved yet
    host.screenshot("due-earlier-preview")

    confirm.check()
    page.locator("#case-form button[name=action][value=save]").click()
    host.wait_for(f"/c/{SLUG}/cases/{case.id}/edit")
    expect(page.locator("main .flash.info").filter(has_text=SAVED[viewport])).to_contain_text(
        shown(earlier, locale=LOCALE[viewport]))
    with connection():
        assert Case.get_by_id(case.id).due_at_fixed == earlier
        mails = sorted(m.to_addr for m in OutboxMessage.select()
                       if re.search(rf"^case:{case.id}:due:", m.key))
    assert mails == ["silent@example.org", "wrote@example.org"]
    host.check()


CHOICE = {"desktop": "is still open until its due time when this case goes out",
          "phone": "的作业还没到截止时间"}


def test_host_chooses_before_a_case_goes_out_over_an_open_window(open_tab, live_app, viewport,
                                                                  clock):
    """Publishing a second case now while the first one's homework is open: the editor saves
    nothing yet, shows the choice and the first case's due time; the host picks "send it when
    that homework is due" and the saved page says so."""
    host_user, case = arrange(live_app, clock)
    due = case.due_shown_at
    host = open_tab()
    sign_in(host, host_user.email)

    host.goto(f"/c/{SLUG}/cases/new")
    page = host.page
    page.locator("#title").fill("第二个案例")
    page.locator("#body_md").fill("正文")
    page.locator('input[name="publish_mode"][value="now"]').check()
    page.locator("#case-form button[name=action][value=save]").click()
    expect(page.locator("#publish_at-error")).to_contain_text(CHOICE[viewport])
    expect(page.locator("#choose-overlap")).to_contain_text(shown(due, locale=LOCALE[viewport]))
    with connection():
        assert Case.select().count() == 1  # nothing saved yet
    host.screenshot("overlap-choice")

    page.locator('input[name="overlap"][value="after"]').check()
    page.locator("#case-form button[name=action][value=save]").click()
    expect(page.locator("main .flash.info").filter(has_text=SAVED[viewport])).to_contain_text(
        shown(due, locale=LOCALE[viewport]))
    with connection():
        assert Case.get(Case.id != case.id).publish_at == due
    host.check()
