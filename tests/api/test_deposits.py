"""Deposits (押金) through the API, read-only (docs/rules.md "Deposit"): a learner's own
standing as their cohort page tells it (`own_standing`), nothing where the page says
nothing; the staff's deposit book with the refund list's columns and totals, for staff only;
fixed queries however many learners.

Cases go out four days apart from the factories' T0; the clock is moved past all of them."""
from datetime import date, timedelta

import pytest

from learnclub.domain.participation.deposit_records import record_deposit
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.web.test_deposits import hand_in, learner

NOW = T0 + timedelta(days=30)


@pytest.fixture
def lab(app, clock):
    clock.travel_to(NOW)
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab",
                       deposit_fen=19900, deposit_percent=80)


@pytest.fixture
def cases(lab):
    return [make_case(lab, title=f"案例{i + 1}", publish_at=T0 + timedelta(days=4 * i))
            for i in range(5)]


def record(cohort, membership, **values):
    fields = {"amount_fen": 19900, "received_on": date(2026, 11, 23), "method": "wechat"}
    record_deposit(cohort, membership, fields | values, actor=cohort.created_by, now=NOW)


MINE, BOOK = "/api/v1/cohorts/lab/deposit/mine", "/api/v1/cohorts/lab/deposits"


def test_a_learner_reads_their_own_standing(client, bearer, lab, cases):
    ahead, behind = learner(lab), learner(lab)
    hand_in(cases, ahead, 4)
    hand_in(cases, behind, 2)
    record(lab, ahead)

    mine = client.get(MINE, headers=bearer(ahead.user))
    theirs = client.get(MINE, headers=bearer(behind.user)).get_json()

    assert mine.status_code == 200
    assert mine.get_json() == {
        "state": "on_track", "asked_fen": 19900, "currency": "CNY", "amount_fen": 19900,
        "received_on": "2026-11-23", "refunded_at": None, "on_time": 4, "counted": 5,
        "percent": 80, "on_time_percent": 80, "meets_rule": True, "cohort_ends_at": None}
    assert (theirs["state"], theirs["amount_fen"], theirs["on_time"]) == (
        "not_received", 0, 2)


def test_nothing_where_the_cohort_page_says_nothing(client, bearer, lab, clock):
    free = make_cohort(slug="free")
    someone = learner(free)
    outsider = make_user()

    assert client.get("/api/v1/cohorts/free/deposit/mine",
                      headers=bearer(someone.user)).status_code == 404
    assert client.get(MINE, headers=bearer(lab.created_by)).status_code == 404
    assert client.get(MINE, headers=bearer(make_member(lab, role="guest"))).status_code == 404
    assert client.get(MINE, headers=bearer(outsider)).status_code == 403  # a public cohort
    make_cohort(slug="hidden", is_public=False, deposit_fen=100)
    assert client.get("/api/v1/cohorts/hidden/deposit/mine",
                      headers=bearer(outsider)).status_code == 404
    assert client.get(MINE).status_code == 401


def test_staff_read_the_book_with_totals(client, bearer, lab, cases):
    lab.last_day = date(2026, 12, 20)
    lab.save()
    done, short, none = learner(lab, "按时"), learner(lab, "落后"), learner(lab, "没交")
    hand_in(cases, done, 5)
    hand_in(cases, short, 3)
    record(lab, done)
    record(lab, short, amount_fen=10000, method="alipay")

    book = client.get(BOOK, headers=bearer(make_member(lab, role="assistant"))).get_json()

    assert {k: v for k, v in book.items() if k != "members"} == {
        "currency": "CNY", "asked_fen": 19900, "percent": 80, "received_fen": 29900,
        "to_refund_fen": 19900, "refunded_fen": 0, "forfeited_fen": 10000}
    assert [(m["user"]["display_name"], m["state"], m["amount_fen"], m["method"],
             m["received_on"], m["on_time"], m["counted"]) for m in book["members"]] == [
        ("按时", "earned", 19900, "wechat", "2026-11-23", 5, 5),
        ("没交", "not_received", 0, None, None, 0, 5),
        ("落后", "forfeited", 10000, "alipay", "2026-11-23", 3, 5)]
    assert {m["membership_id"] for m in book["members"]} == {done.id, short.id, none.id}


def test_the_book_is_for_staff_of_this_cohort(client, bearer, lab):
    other = make_cohort(slug="other", is_public=False)
    refused = [client.get(BOOK, headers=bearer(who)).status_code
               for who in (learner(lab).user, make_member(lab, role="guest"))]

    assert refused == [403, 403]
    assert client.get(BOOK, headers=bearer(other.created_by)).status_code == 403
    assert client.get("/api/v1/cohorts/other/deposits",
                      headers=bearer(lab.created_by)).status_code == 404
    assert client.post(BOOK, headers=bearer(lab.created_by)).status_code == 405


def test_the_book_costs_the_same_however_many_learners(client, bearer, lab, cases):
    headers = bearer(lab.created_by)

    def cost():
        with count_queries() as statements:
            assert client.get(BOOK, headers=headers).status_code == 200
        return len(statements)

    cost()  # the token's first use is written down: not counted below
    for _ in range(2):
        record(lab, learner(lab))
    few = cost()
    for n in range(6):
        m = learner(lab)
        hand_in(cases, m, n % 5)
        record(lab, m)
    many = cost()

    assert few == many
    assert len(client.get(BOOK, headers=headers).get_json()["members"]) == 8
