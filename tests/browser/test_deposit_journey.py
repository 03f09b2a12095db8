"""The deposit (押金) in a real Chromium: on the desktop (en-US) the host sets a deposit of
199 yuan in the settings, opens Deposits from the Manage menu and records one member's
payment by WeChat; on the phone (390×844, zh-CN) a learner on time for two of two cases reads
"按目前进度，押金可退" on the cohort's home and on My homework. Screenshots: deposit-settings,
deposit-record, deposit-list (desktop), deposit-home, deposit-mine (phone).

The cohort, its cases and the homework are arranged through the domain in the live server's
database; the settings and the payment go through the pages.
"""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.participation.deposit_records import record_deposit
from learnclub.models import Cohort, Membership, Submission
from learnclub.models.deposits import Deposit
from tests.browser.test_participation_journey import sign_in
from tests.factories import T0, make_case, make_cohort, make_user

pytestmark = pytest.mark.browser

SLUG = "deposit-lab"


def arrange(*, deposit_fen=0):
    """A cohort with two closed cases and a learner who handed both in on time."""
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期",
                             deposit_fen=deposit_fen)
        learner = make_user(display_name="王小明", email="learner@example.org")
        membership = Membership.create(cohort=cohort, user=learner, role="learner",
                                       joined_at=T0 - timedelta(days=1))
        for i in range(2):
            case = make_case(cohort, title=f"案例{i + 1}", publish_at=T0 + timedelta(days=4 * i))
            at = case.publish_at + timedelta(hours=3)
            Submission.create(case=case, user=learner, body_md="我的作业", length=4,
                              submitted_at=at, updated_at=at)
    return cohort, membership


@pytest.mark.parametrize("viewport", ["desktop"])
def test_host_sets_the_deposit_and_records_a_payment_on_the_desktop(open_tab):
    cohort, membership = arrange()
    tab = open_tab()
    page = tab.page
    sign_in(tab, "host@example.org")
    tab.goto(f"/c/{SLUG}/settings")
    page.locator("#deposit_fen").fill("199")
    page.locator("#deposit_percent").fill("80")
    page.locator("#deposit_fen").scroll_into_view_if_needed()
    tab.screenshot("deposit-settings")
    page.locator("main form button.primary[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/settings")
    expect(page.locator(".flash.success")).to_contain_text("Settings saved.")
    page.locator("details.manage summary").click()
    page.locator("details.manage a", has_text="Deposits").click()
    tab.wait_for(f"/c/{SLUG}/deposits")
    row = page.locator(f"#deposit-{membership.id}")
    expect(row.locator(".badge")).to_have_text("not received")
    row.locator("a.button", has_text="Record payment").click()
    tab.wait_for(f"/c/{SLUG}/deposits/{membership.id}")
    expect(page.locator("#amount")).to_have_value("199")
    page.locator("#note").fill("微信转账，截图已存")
    tab.screenshot("deposit-record")
    page.locator("main form button.primary[type=submit]").click()
    tab.wait_for(f"/c/{SLUG}/deposits")
    expect(page.locator(".flash.success")).to_have_text("Deposit saved.")
    expect(row.locator(".badge")).to_have_text("on track")
    expect(page.locator("[data-total=received]")).to_have_text("199 CNY")
    tab.screenshot("deposit-list")
    with connection():
        deposit = Deposit.get(Deposit.user == membership.user_id)
        assert (Cohort.get_by_id(cohort.id).deposit_fen, deposit.amount_fen, deposit.method,
                deposit.note) == (19900, 19900, "wechat", "微信转账，截图已存")


@pytest.mark.parametrize("viewport", ["phone"])
def test_learner_reads_the_deposit_is_refundable_on_the_phone(open_tab):
    cohort, membership = arrange(deposit_fen=19900)
    with connection():
        record_deposit(cohort, membership, {"amount_fen": 19900,
                                            "received_on": date(2026, 11, 21),
                                            "method": "alipay"},
                       actor=cohort.created_by, now=clock.now())
    tab = open_tab()
    page = tab.page
    sign_in(tab, "learner@example.org")
    tab.goto(f"/c/{SLUG}/")
    line = page.locator(".deposit-standing")
    expect(line).to_have_text("按目前进度，押金可退：按时 2/2，需要 ≥ 80%")
    line.scroll_into_view_if_needed()
    tab.screenshot("deposit-home")
    tab.goto(f"/c/{SLUG}/homework/mine")
    expect(page.locator(".deposit-standing")).to_contain_text("按目前进度，押金可退")
    tab.screenshot("deposit-mine")
