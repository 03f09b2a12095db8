"""Cursor pagination: walking every page gives every row once, even when a row goes away
between two pages; bad cursors and limits are refused; a page costs the same number of
queries whether the cohort is small or large."""
from datetime import timedelta

import pytest

from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.sharing.talks import add_one_off_slot
from learnclub.models import Case, Submission, Talk
from tests.factories import make_case, make_cohort, make_member
from tests.query_count import count_queries
from tests.timeline import START

NOW = START  #: where the clock fixture starts every test


def _walk(client, url, headers, limit, cursor=None):
    ids, pages = [], 0
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url + query, headers=headers).get_json()
        ids += [item["id"] for item in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            return ids, pages


def test_walking_homework_pages_sees_each_row_once_despite_a_deletion(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    ids = [submit_homework(case, make_member(cohort), f"第{i}份", now=NOW)[0].id
           for i in range(8)]
    url, headers = f"/api/v1/cohorts/{cohort.slug}/homework", bearer(cohort.created_by)

    first = client.get(url + "?limit=3", headers=headers).get_json()
    Submission.delete_by_id(ids[3])  # the first row of the next page goes away
    rest, pages = _walk(client, url, headers, 3, cursor=first["next_cursor"])

    assert [item["id"] for item in first["items"]] == ids[:3]
    assert rest == ids[4:]
    assert pages == 2


def test_walking_cases_in_publication_order(client, bearer):
    cohort = make_cohort()
    made = [make_case(cohort, title=f"案例{i}", publish_at=NOW - timedelta(days=20 - 4 * i))
            for i in range(5)]
    url, headers = f"/api/v1/cohorts/{cohort.slug}/cases", bearer(make_member(cohort))

    walked, pages = _walk(client, url, headers, 2)

    assert walked == [c.id for c in made]
    assert pages == 3


def test_walking_share_slots_with_one_cancelled_between_pages(client, bearer):
    cohort = make_cohort()
    slots = [add_one_off_slot(cohort, NOW + timedelta(days=d, hours=3), actor=cohort.created_by,
                              now=NOW) for d in range(1, 6)]
    url, headers = f"/api/v1/cohorts/{cohort.slug}/share-slots", bearer(make_member(cohort))

    first = client.get(url + "?limit=2", headers=headers).get_json()
    slots[2].delete_instance()
    rest, _pages = _walk(client, url, headers, 2, cursor=first["next_cursor"])

    assert [s["id"] for s in first["items"]] + rest == [s.id for s in slots if s is not slots[2]]


@pytest.mark.parametrize("query", [
    "limit=0", "limit=101", "limit=abc", "limit=", "limit=１", "cursor=", "cursor=!!",
    "cursor=a.b", "cursor=" + "z" * 13, "cursor=A"])
def test_bad_limit_or_cursor_is_refused_with_the_field(client, bearer, query):
    cohort = make_cohort()
    response = client.get(f"/api/v1/cohorts/{cohort.slug}/members?{query}",
                          headers=bearer(cohort.created_by))

    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (400, "invalid")
    assert error["field"] == query.split("=")[0]


def _fill(cohort, size):
    """`size` learners with homework on size/2 cases, size/2 sessions ahead with a guest's
    talk, size/2 numbered sessions in the archive."""
    for i in range(size // 2):
        make_case(cohort, title=f"案例{i}", publish_at=NOW - timedelta(days=30 - i))
    case = Case.select().where(Case.cohort == cohort).first()
    for _ in range(size):
        Submission.create(case=case, user=make_member(cohort), body_md="作业", submitted_at=NOW,
                          updated_at=NOW)
    for i in range(size // 2):
        guest = make_member(cohort, role="guest")
        slot = add_one_off_slot(cohort, NOW + timedelta(days=i + 1), actor=None, now=NOW)
        Talk.create(cohort=cohort, guest=guest, topic=f"分享{i}", status="accepted", slot=slot,
                    created_at=NOW, updated_at=NOW)
        Talk.create(cohort=cohort, guest=guest, topic=f"往期{i}", status="held", number=i + 1,
                    published_at=NOW, created_at=NOW, updated_at=NOW)


@pytest.mark.parametrize("path", ["/homework", "/members", "/cases", "/share-slots", "/archive"])
def test_a_page_costs_the_same_queries_for_few_rows_and_many(client, bearer, path):
    counts = []
    for size in (2, 12):
        cohort = make_cohort()
        _fill(cohort, size)
        headers = bearer(cohort.created_by)
        url = f"/api/v1/cohorts/{cohort.slug}{path}?limit=100"
        client.get(url, headers=headers)  # the token's first use is written once
        with count_queries() as statements:
            response = client.get(url, headers=headers)
        counts.append((len(response.get_json()["items"]) >= size // 2, len(statements)))

    assert counts[0] == counts[1]
    assert counts[0][0] is True
