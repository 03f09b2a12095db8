"""Deposits (押金) through the pages (docs/rules.md "Deposit"): the settings, recording and
correcting a member's deposit with every change in the cohort log, a member's own standing,
the refund list as CSV, who may do what, bad input from the corpora, and a deposits page whose
queries do not grow with the learners.

Cases go out four days apart from the factories' T0; the clock is moved past all of them."""
import csv
import io
from datetime import date, timedelta

import pytest
from markupsafe import escape

from learnclub.domain.cohorts.settings import SETTING_FIELDS
from learnclub.domain.participation.deposit_records import record_deposit
from learnclub.models import Cohort, CohortEvent, Membership, Submission
from learnclub.models.deposits import Deposit
from tests import corpora
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
NOW = T0 + timedelta(days=30)


@pytest.fixture
def lab(app, clock):
    clock.travel_to(NOW)
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="主持人"),
                       slug="lab", deposit_fen=19900, deposit_percent=80)


@pytest.fixture
def cases(lab):
    return [make_case(lab, title=f"案例{i + 1}", publish_at=T0 + timedelta(days=4 * i))
            for i in range(5)]


def learner(cohort, name=None, locale="en"):
    user = make_member(cohort, make_user(locale=locale,
                                         **({"display_name": name} if name else {})))
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def hand_in(cases, membership, on_time):
    for case in cases[:on_time]:
        at = case.publish_at + timedelta(hours=1)
        Submission.create(case=case, user=membership.user_id, body_md="作业", length=2,
                          submitted_at=at, updated_at=at)


def html(response):
    return response.get_data(as_text=True)


def form(**overrides):
    values = {"amount": "199", "received_on": "2026-11-23", "method": "wechat",
              "method_other": "", "note": ""}
    return values | overrides


def stored(membership):
    d = Deposit.get_or_none(Deposit.user == membership.user_id)
    return None if d is None else (d.amount_fen, d.received_on, d.method, d.method_other,
                                   d.note)


def record(cohort, membership, **values):
    fields = {"amount_fen": 19900, "received_on": date(2026, 11, 23), "method": "wechat"}
    record_deposit(cohort, membership, fields | values, actor=cohort.created_by, now=NOW)


# Recording, correcting, the log -----------------------------------------------------------

def test_staff_record_then_correct_a_deposit_and_the_log_names_them(lab, client, switch_to):
    m = learner(lab, "小林")
    switch_to(lab.created_by)

    first = client.post(f"/c/lab/deposits/{m.id}", data=form(note="转账截图已存"))
    second = client.post(f"/c/lab/deposits/{m.id}", data=form(amount="99.50", method="other",
                                                              method_other="银行转账"))
    events = [(e.action, e.actor_id, e.user_id) for e in CohortEvent.select().where(
        CohortEvent.action.startswith("deposit")).order_by(CohortEvent.id)]
    log = html(client.get("/c/lab/audit"))

    assert (first.status_code, second.status_code) == (302, 302)
    assert stored(m) == (9950, date(2026, 11, 23), "other", "银行转账", "")
    assert events == [("deposit_recorded", lab.created_by.id, m.user_id),
                      ("deposit_corrected", lab.created_by.id, m.user_id)]
    assert "deposit corrected" in log
    assert "199 → 99.50" in log


def test_the_page_shows_totals_and_a_refund_is_marked_paid(lab, cases, client, switch_to):
    lab.last_day = date(2026, 12, 20)
    lab.save()
    done, short = learner(lab, "按时"), learner(lab, "落后")
    hand_in(cases, done, 5)
    hand_in(cases, short, 3)
    record(lab, done)
    record(lab, short, amount_fen=10000)
    switch_to(lab.created_by)

    page = html(client.get("/c/lab/deposits"))
    paid = client.post(f"/c/lab/deposits/{done.id}/refunded")
    again = client.post(f"/c/lab/deposits/{short.id}/refunded")
    after = html(client.get("/c/lab/deposits"))

    assert 'data-total="received">299 CNY' in page
    assert 'data-total="to_refund">199 CNY' in page
    assert 'data-total="forfeited">100 CNY' in page
    assert (paid.status_code, again.status_code) == (302, 302)
    assert [Deposit.get(Deposit.user == m.user_id).refunded_at is not None
            for m in (done, short)] == [True, False]
    assert 'data-total="refunded">199 CNY' in after
    assert 'data-total="to_refund">0 CNY' in after


# A member sees their own standing --------------------------------------------------------

def test_a_member_sees_their_own_standing_and_not_the_others(lab, cases, client, switch_to):
    ahead, behind = learner(lab, locale="zh_Hans_CN"), learner(lab)
    hand_in(cases, ahead, 4)
    hand_in(cases, behind, 2)
    record(lab, ahead)
    record(lab, behind)
    switch_to(ahead.user)

    mine = html(client.get("/c/lab/homework/mine", headers=ZH))
    home = html(client.get("/c/lab/", headers=ZH))
    staff_page = client.get("/c/lab/deposits")
    staff_csv = client.get("/c/lab/deposits.csv")

    assert "按目前进度，押金可退：按时 4/5，需要 ≥ 80%" in mine
    assert "按目前进度，押金可退：按时 4/5" in home
    assert "2/5" not in mine + home
    assert (staff_page.status_code, staff_csv.status_code) == (403, 403)


def test_a_member_behind_is_told_the_deposit_is_at_risk_in_english(lab, cases, client,
                                                                  switch_to):
    behind = learner(lab)
    hand_in(cases, behind, 3)
    record(lab, behind)
    switch_to(behind.user)

    mine = html(client.get("/c/lab/homework/mine"))

    assert "At your current pace, your deposit is not refundable: on time 3/5, ≥ 80% needed." \
        in mine


def test_a_cohort_without_a_deposit_tells_members_nothing(app, client, switch_to, clock):
    cohort = make_cohort(slug="free")
    m = learner(cohort)
    switch_to(m.user)

    mine = html(client.get("/c/free/homework/mine"))

    assert "deposit-standing" not in mine


# The CSV ----------------------------------------------------------------------------------

def _rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_refund_list_defuses_formulas_and_speaks_the_readers_language(lab, cases, client,
                                                                         switch_to):
    eve = learner(lab, "=HYPERLINK(\"http://x\")")
    hand_in(cases, eve, 4)
    record(lab, eve, amount_fen=19950)
    learner(lab, "未交押金")
    switch_to(lab.created_by)

    english = _rows(client.get("/c/lab/deposits.csv"))
    lab.created_by.locale = None  # the browser's language then: Chinese
    lab.created_by.save()
    chinese = _rows(client.get("/c/lab/deposits.csv", headers=ZH))

    assert english[0] == ["Full name", "Amount (CNY)", "Received on", "On time", "Outcome"]
    assert english[1] == ["'=HYPERLINK(\"http://x\")", "199.50", "2026-11-23", "4/5", "on track"]
    assert english[2] == ["未交押金", "", "", "0/5", "not received"]
    assert chinese[0] == ["姓名", "金额（CNY）", "收到日期", "按时", "结果"]
    assert chinese[1][4] == "进度达标"


# Who may do what ---------------------------------------------------------------------------

def test_an_assistant_may_record_and_a_learner_may_not(lab, client, switch_to):
    m = learner(lab)
    assistant = make_member(lab, make_user(), role="assistant")
    switch_to(m.user)
    refused = client.post(f"/c/lab/deposits/{m.id}", data=form())
    switch_to(assistant)
    allowed = client.post(f"/c/lab/deposits/{m.id}", data=form())
    other = client.get(f"/c/lab/deposits/{lab.created_by_id + 10_000}")

    assert (refused.status_code, allowed.status_code, other.status_code) == (403, 302, 404)
    assert stored(m)[0] == 19900


# Validation -------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "message"), [
    ({"amount": "abc"}, "Enter an amount in yuan from 0 to 100000, e.g. 199 or 199.50."),
    ({"amount": "100000.01"}, "Enter an amount in yuan from 0 to 100000, e.g. 199 or 199.50."),
    ({"amount": ""}, "Enter the amount received."),
    ({"received_on": "2099-01-01"}, "Enter the day it was received: not after today."),
    ({"received_on": "yesterday"}, "Not a valid date value."),
    ({"method": "bitcoin"}, "Choose how it was paid."),
    ({"method": "other", "method_other": "  "}, "Other method is required."),
    ({"note": "长" * 1001}, "Note is 1001 characters long; the limit is 1000."),
])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(lab, client, switch_to, values,
                                                                 message):
    m = learner(lab)
    switch_to(lab.created_by)

    response = client.post(f"/c/lab/deposits/{m.id}", data=form(**values))

    assert response.status_code == 200
    assert str(escape(message)) in html(response)
    assert stored(m) is None


def test_the_form_libraries_own_messages_speak_the_readers_language(lab, client, switch_to):
    """wtforms' own words ("Not a valid date value.") come from its catalogue, kept once a
    process per language (web/forms.py): each request still gets its reader's."""
    m = learner(lab)
    switch_to(lab.created_by)
    lab.created_by.locale = None  # the browser's language, request by request
    lab.created_by.save()
    bad = form(received_on="yesterday")

    pages = [html(client.post(f"/c/lab/deposits/{m.id}", data=bad, headers=headers))
             for headers in (ZH, {"Accept-Language": "en"}, ZH)]

    assert ["不是有效的日期值。" in page for page in pages] == [True, False, True]
    assert ["Not a valid date value." in page for page in pages] == [False, True, False]
    assert stored(m) is None


def settings_form(cohort, **overrides):
    values = {}
    for name in SETTING_FIELDS:
        value = getattr(cohort, name)
        if value is None or value is False:
            continue
        values[name] = "y" if value is True else str(value)
    values["deposit_fen"] = "199"
    return values | overrides


def test_the_settings_keep_the_deposit_in_fen_and_refuse_bad_values(lab, client, switch_to):
    switch_to(lab.created_by)
    refundable = settings_form(lab, deposit_fen="299.90", deposit_percent="90",
                               last_day="2027-01-31", deposit_currency="元")
    del refundable["deposit_removal_forfeits"]  # the box unticked
    saved = client.post("/c/lab/settings", data=refundable)
    bad = [html(client.post("/c/lab/settings", data=settings_form(lab, **field)))
           for field in ({"deposit_percent": "0"}, {"deposit_percent": "101"},
                         {"deposit_fen": "100001"}, {"deposit_fen": "-5"},
                         {"deposit_currency": "<b>"}, {"last_day": "soon"})]
    cohort = Cohort.get_by_id(lab.id)

    assert saved.status_code == 302
    assert (cohort.deposit_fen, cohort.deposit_percent, cohort.last_day,
            cohort.deposit_currency, cohort.deposit_removal_forfeits) == (
        29990, 90, date(2027, 1, 31), "元", False)
    percent = "Deposit: share of counted cases handed in on time (%): enter a whole number " \
        "from 1 to 100."
    assert [percent in bad[0], percent in bad[1]] == [True, True]
    assert all("Enter an amount in yuan from 0 to 100000" in page for page in bad[2:4])
    assert "Currency: up to 8 letters, e.g. CNY." in bad[4]
    assert "Not a valid date value." in bad[5]


# Corpora ---------------------------------------------------------------------------------

def _acceptable(text, limit):
    return "\x00" not in text and len(text) <= limit


def test_naughty_notes_and_methods_are_stored_exactly_or_refused_and_shown_escaped(
        lab, client, switch_to):
    m = learner(lab)
    switch_to(lab.created_by)
    failures = []
    strings = corpora.naughty_strings()
    assert len(strings) == 515
    for text in strings:
        before = stored(m)
        response = client.post(f"/c/lab/deposits/{m.id}", data=form(
            method="other", method_other=text, note=text))
        ok = _acceptable(text, 100) and text.strip()
        if ok:
            if response.status_code != 302 or stored(m)[3:] != (text, text):
                failures.append(("stored", text, response.status_code))
        elif response.status_code != 200 or stored(m) != before:
            failures.append(("refused", text, response.status_code))
    assert failures == []


def test_naughty_and_xss_notes_are_escaped_on_the_deposits_page(lab, client, switch_to):
    texts = [t for t in corpora.naughty_strings() if _acceptable(t, 100) and t.strip()][::5]
    texts += [t for t in corpora.xss_payloads()[::40] if _acceptable(t, 100) and t.strip()]
    for text in texts:
        record(lab, learner(lab), method="other", method_other=text, note=text)
    switch_to(lab.created_by)

    page = html(client.get("/c/lab/deposits"))

    assert [t for t in texts if str(escape(t)) not in page] == []
    assert "<script>alert(" not in page


# Query count -----------------------------------------------------------------------------

def test_the_deposits_page_runs_as_many_queries_for_twenty_learners_as_for_one(
        lab, cases, client, switch_to):
    switch_to(lab.created_by)

    def count():
        with count_queries() as statements:
            assert client.get("/c/lab/deposits").status_code == 200
        return len(statements)

    first = learner(lab)
    hand_in(cases, first, 3)
    record(lab, first)
    one = count()
    for i in range(19):
        m = learner(lab)
        hand_in(cases, m, i % 5)
        if i % 2:
            record(lab, m)
    twenty = count()

    assert Membership.select().where(Membership.role == "learner").count() == 20
    assert one == twenty
