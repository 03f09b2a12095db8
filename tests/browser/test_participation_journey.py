"""The participation journey in a real Chromium, on the phone and on the desktop.

A learner opens an open case and asks for leave (请假) from the homework panel; the host opens
the participation page (the dry run shows a learner who missed a closed case), approves the
request, and the learner's case page then says they are excused. A removed learner reads
"my homework" and its explanation. Screenshots: case-leave, participation, audit,
removed-homework.

People, cohorts and cases are arranged through the factories in the live server's database;
everything else goes through the pages.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.models import Excuse, LeaveRequest, Membership, MembershipEvent, Submission
from tests.factories import PASSWORD, make_application, make_case, make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "participation-lab"


def sign_in(tab, email):
    tab.goto("/login")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(PASSWORD)
    tab.page.locator("main form button[type=submit]").click()
    tab.wait_for("/")


def _member(cohort, name, email, *, joined, status="active", removed_at=None, reason=""):
    user = make_user(display_name=name, email=email)
    Membership.create(cohort=cohort, user=user, role="learner", status=status, joined_at=joined,
                      removed_at=removed_at, removed_reason=reason)
    return user


def arrange():
    """A cohort with a closed case 李四 missed, an open case for 张三, 王五 removed, a leave
    request for some days, and two people on the waitlist."""
    now = clock.now()
    joined = now - timedelta(days=30)
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期", capacity=4)
        closed = make_case(cohort, title="小区生鲜团购：从一个群到一张网",
                           publish_at=now - timedelta(days=5))
        open_ = make_case(cohort, title="社区咖啡馆的会员制",
                          homework_prompt="如果你来做这个咖啡馆的社群，第一周你会做哪三件事？",
                          publish_at=now - timedelta(hours=2))
        zhang = _member(cohort, "张三", "zhang@example.org", joined=joined)
        _member(cohort, "李四", "li@example.org", joined=joined)
        _member(cohort, "王五", "wang@example.org", joined=joined, status="removed",
                removed_at=now - timedelta(days=1),
                reason=f"strikes: {closed.title}")
        MembershipEvent.create(cohort=cohort, user=Membership.get(
            Membership.removed_reason != "").user, action="removed", actor=None,
            at=now - timedelta(days=1), reason=f"strikes: {closed.title}")
        zhao = _member(cohort, "赵六", "zhao@example.org", joined=joined)
        LeaveRequest.create(cohort=cohort, user=zhao, starts_on=(now + timedelta(days=3)).date(),
                            ends_on=(now + timedelta(days=6)).date(),
                            reason="去杭州出差，一周都在路上。", created_at=now)
        for person in (zhang, zhao):  # everyone but 李四 wrote on the closed case
            at = closed.publish_at + timedelta(hours=3)
            Submission.create(case=closed, user=person, body_md="我的作业", submitted_at=at,
                              updated_at=at)
        for name in ("甲", "乙"):
            make_application(cohort, user=make_user(display_name=name), status="waitlisted",
                             decided_at=now)
    return {"cohort": cohort, "open": open_, "zhang": zhang, "host": host}


def test_leave_requested_approved_and_shown(open_tab, viewport):
    rows = arrange()
    case_path = f"/c/{SLUG}/cases/{rows['open'].id}"
    learner = open_tab()
    sign_in(learner, "zhang@example.org")
    learner.goto(case_path)
    box = learner.page.locator("details.leave-box")
    box.locator("summary").click()
    expect(box.locator("#leave-reason")).to_be_visible()
    box.locator("#leave-reason").fill("孩子生病，这几天在医院陪护。")
    learner.check()
    box.scroll_into_view_if_needed()
    learner.screenshot("case-leave")
    box.locator("button[type=submit]").click()
    learner.wait_for(case_path)
    expect(learner.page.locator(".leave-status.leave-requested")).to_be_visible()

    host = open_tab()
    sign_in(host, "host@example.org")
    host.goto(f"/c/{SLUG}/participation")
    expect(host.page.locator("#sweep-heading")).to_be_visible()
    expect(host.page.locator("section.sweep li strong").first).to_have_text("李四")
    expect(host.page.locator("#requests li.leave-request")).to_have_count(2)
    host.screenshot("participation")
    zhang_request = host.page.locator("#requests li.leave-request", has_text="张三")
    zhang_request.locator("button.primary").click()
    host.wait_for(f"/c/{SLUG}/participation")
    expect(host.page.locator("#requests li.leave-request")).to_have_count(1)
    with connection():
        assert Excuse.select().where(Excuse.user == rows["zhang"].id).count() == 1

    learner.goto(case_path)
    expect(learner.page.locator(".leave-status")).to_have_class("flash info leave-status")
    expect(learner.page.locator("details.leave-box")).to_have_count(0)

    host.goto(f"/c/{SLUG}/audit")
    expect(host.page.locator("li.audit-removed")).to_have_count(1)
    host.screenshot("audit")


def test_removed_learner_reads_their_homework(open_tab, viewport):
    arrange()
    tab = open_tab()
    sign_in(tab, "wang@example.org")
    tab.goto(f"/c/{SLUG}/homework/mine")
    expect(tab.page.locator("section.removed-note")).to_be_visible()
    expect(tab.page.locator("nav.tabs")).to_have_count(0)
    tab.screenshot("removed-homework")
