"""The API lets each person see and do what the website lets them, no more: the same roles,
the same published-or-staff rule for cases, own homework for learners (removed ones too)."""
from datetime import timedelta

from learnclub.domain.cases.editing import archive_case
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Membership
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import START

NOW = START  #: where the clock fixture starts every test


def _ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def _cohort_with_cases(**settings):
    cohort = make_cohort(**settings)
    out = make_case(cohort, title="已发布", publish_at=NOW - timedelta(hours=1))
    ahead = make_case(cohort, title="下周的", publish_at=NOW + timedelta(days=4))
    return cohort, out, ahead


def test_learner_sees_published_cases_and_staff_sees_scheduled_ones(client, bearer):
    cohort, out, ahead = _cohort_with_cases()
    learner, assistant = make_member(cohort), make_member(cohort, role="assistant")
    base = f"/api/v1/cohorts/{cohort.slug}/cases"

    assert _ids(client.get(base, headers=bearer(learner))) == [out.id]
    assert _ids(client.get(base, headers=bearer(assistant))) == [out.id, ahead.id]
    assert client.get(f"{base}/{ahead.id}", headers=bearer(learner)).status_code == 404
    staff_view = client.get(f"{base}/{ahead.id}", headers=bearer(assistant)).get_json()
    assert (staff_view["title"], staff_view["homework_state"]) == ("下周的", "scheduled")


def test_archived_case_is_gone_for_learners_and_marked_for_staff(client, bearer):
    cohort, out, _ahead = _cohort_with_cases()
    learner, host = make_member(cohort), cohort.created_by
    archive_case(out, now=NOW)
    url = f"/api/v1/cohorts/{cohort.slug}/cases/{out.id}"

    assert client.get(url, headers=bearer(learner)).status_code == 404
    staff_view = client.get(url, headers=bearer(host)).get_json()
    assert (staff_view["archived"], staff_view["homework_state"], staff_view["due_at"]) == (
        True, "archived", None)


def test_learner_lists_own_homework_and_staff_everyones(client, bearer):
    cohort, out, _ahead = _cohort_with_cases()
    ann, bob = make_member(cohort), make_member(cohort)
    mine = submit_homework(out, ann, "安的作业", now=NOW)[0]
    theirs = submit_homework(out, bob, "鲍勃的作业", now=NOW)[0]
    url = f"/api/v1/cohorts/{cohort.slug}/homework"

    assert _ids(client.get(url, headers=bearer(ann))) == [mine.id]
    assert _ids(client.get(url, headers=bearer(cohort.created_by))) == [mine.id, theirs.id]
    assert _ids(client.get(f"{url}?case_id={out.id + 1}",
                           headers=bearer(cohort.created_by))) == []
    assert client.get(f"/api/v1/cohorts/{cohort.slug}/cases/{out.id}/homework/mine",
                      headers=bearer(bob)).get_json()["body_md"] == "鲍勃的作业"


def test_members_list_is_for_staff(client, bearer):
    cohort, _out, _ahead = _cohort_with_cases()
    learner, guest = make_member(cohort), make_member(cohort, role="guest")
    url = f"/api/v1/cohorts/{cohort.slug}/members"

    refused = [client.get(url, headers=bearer(who)).status_code for who in (learner, guest)]
    staff = client.get(url, headers=bearer(make_member(cohort, role="assistant")))

    assert refused == [403, 403]
    assert [m["role"] for m in staff.get_json()["items"]] == [
        "host", "learner", "guest", "assistant"]


def test_removed_learner_reads_only_their_own_past_homework(client, bearer):
    cohort, out, _ahead = _cohort_with_cases()
    gone = make_member(cohort)
    own = submit_homework(out, gone, "离开前写的", now=NOW)[0]
    Membership.update(status="removed", removed_at=NOW).where(
        Membership.user == gone).execute()
    headers, base = bearer(gone), f"/api/v1/cohorts/{cohort.slug}"

    refused = {path: client.get(base + path, headers=headers).status_code
               for path in ("/cases", f"/cases/{out.id}", "/members")}
    put = client.put(f"{base}/cases/{out.id}/homework/mine", json={"body": "还想改"},
                     headers=headers)

    assert refused == {"/cases": 403, f"/cases/{out.id}": 403, "/members": 403}
    assert put.status_code == 403
    assert _ids(client.get(f"{base}/homework", headers=headers)) == [own.id]
    assert client.get(f"{base}/cases/{out.id}/homework/mine", headers=headers
                      ).get_json()["body_md"] == "离开前写的"
    assert client.get("/api/v1/cohorts", headers=headers).get_json()["items"] == []


def test_private_cohort_is_not_revealed_to_outsiders(client, bearer):
    cohort, out, _ahead = _cohort_with_cases(is_public=False)
    headers, base = bearer(make_user()), f"/api/v1/cohorts/{cohort.slug}"

    statuses = {path: client.get(base + path, headers=headers).status_code
                for path in ("", "/cases", f"/cases/{out.id}", "/homework", "/members",
                             "/share-slots", "/archive", f"/cases/{out.id}/homework/mine")}

    assert set(statuses.values()) == {404}
    unknown = client.get("/api/v1/cohorts/no-such-cohort", headers=headers).get_json()
    assert client.get(base, headers=headers).get_json() == unknown
    gone = make_member(cohort, status="removed")
    assert [client.get(base + path, headers=bearer(gone)).status_code
            for path in ("", "/share-slots", "/archive", "/homework")] == [403, 403, 403, 200]


def test_public_cohort_shows_its_page_calendar_and_archive_to_any_token(client, bearer):
    cohort, _out, _ahead = _cohort_with_cases()
    headers, base = bearer(make_user()), f"/api/v1/cohorts/{cohort.slug}"

    statuses = {path: client.get(base + path, headers=headers).status_code
                for path in ("", "/share-slots", "/archive", "/cases", "/homework")}

    assert statuses == {"": 200, "/share-slots": 200, "/archive": 200, "/cases": 403,
                        "/homework": 403}
    assert client.get(base, headers=headers).get_json()["membership"] is None


def test_only_active_learners_write_homework(client, bearer):
    cohort, out, _ahead = _cohort_with_cases()
    url = f"/api/v1/cohorts/{cohort.slug}/cases/{out.id}/homework/mine"

    statuses = [client.put(url, json={"body": "试试"}, headers=bearer(who)).status_code
                for who in (cohort.created_by, make_member(cohort, role="guest"))]

    assert statuses == [403, 403]
    assert out.submissions.count() == 0


def test_my_cohorts_lists_active_memberships_with_role(client, bearer):
    person = make_user()
    first, second, left = make_cohort(), make_cohort(is_public=False), make_cohort()
    make_member(first, person, role="assistant")
    make_member(second, person)
    make_member(left, person, status="removed")

    items = client.get("/api/v1/cohorts", headers=bearer(person)).get_json()["items"]

    assert [(i["slug"], i["role"]) for i in items] == [(first.slug, "assistant"),
                                                       (second.slug, "learner")]
