"""Writing homework through the API: the website's rule (submit_homework) decides, the text
is stored exactly as sent or refused with the rule's message, and a refusal changes nothing."""
from datetime import timedelta

from learnclub.models import Submission, SubmissionRevision
from tests.factories import make_case, make_cohort, make_member
from tests.timeline import START
from tests.web.test_corpora import naughty_strings, refused

NOW = START  #: where the clock fixture starts every test


def _url(cohort, case):
    return f"/api/v1/cohorts/{cohort.slug}/cases/{case.id}/homework/mine"


def test_put_creates_then_edits_and_keeps_the_earlier_text(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    learner = make_member(cohort)
    headers = bearer(learner)

    created = client.put(_url(cohort, case), json={"body": "## 第一版\n三件事"}, headers=headers)
    edited = client.put(_url(cohort, case), json={"body": "## 第二版"}, headers=headers)
    read = client.get(_url(cohort, case), headers=headers)

    assert (created.status_code, edited.status_code) == (201, 200)
    # the HTML stored when written, as the case page shows it: anchors under "s<id>:"
    made = created.get_json()["id"]
    assert created.get_json()["body_html"] == f'<h2 id="s{made}:第一版">第一版</h2>\n<p>三件事</p>'
    assert (edited.get_json()["id"], edited.get_json()["late"]) == (created.get_json()["id"],
                                                                     False)
    assert read.get_json()["body_md"] == "## 第二版"
    assert [r.body_md for r in SubmissionRevision.select()] == ["## 第一版\n三件事"]


def test_put_during_grace_is_accepted_and_marked_late(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=75))  # due 3 h ago
    learner = make_member(cohort)

    response = client.put(_url(cohort, case), json={"body": "晚了一点"}, headers=bearer(learner))

    body = response.get_json()
    assert (response.status_code, body["late"]) == (201, True)
    assert 3 * 3600 <= body["late_seconds"] < 3 * 3600 + 120


def test_put_after_grace_is_refused_and_changes_nothing(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=90))  # grace ended 6 h ago
    learner = make_member(cohort)
    Submission.create(case=case, user=learner, body_md="按时交的", length=4,
                      submitted_at=NOW - timedelta(hours=80), updated_at=NOW - timedelta(hours=80))

    response = client.put(_url(cohort, case), json={"body": "想再改改"}, headers=bearer(learner))

    error = response.get_json()["error"]
    assert response.status_code == 422
    assert (error["code"], error["field"]) == ("too_late", None)
    assert "closed at the end of the grace period" in error["message"]
    assert Submission.get(Submission.user == learner).body_md == "按时交的"
    assert SubmissionRevision.select().count() == 0


def test_put_below_the_minimum_length_says_how_much_is_missing(client, bearer):
    cohort = make_cohort(homework_min_length=10)
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    learner = make_member(cohort)

    response = client.put(_url(cohort, case), json={"body": "太短"},
                          headers={**bearer(learner), "Accept-Language": "en"})

    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "invalid", "field": "body",
        "message": "Write at least 10 characters or words: 8 more to go."}
    assert Submission.select().count() == 0


def test_put_refuses_bodies_that_are_not_text(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    headers = {**bearer(make_member(cohort)), "Content-Type": "application/json"}

    answers = [client.put(_url(cohort, case), data=raw, headers=headers)
               for raw in ('{"body": 42}', '["body"]', '{}', '{"body": "a\\u0000b"}',
                           '{"body": "\\ud800"}', '{"body": "', "[" * 5000, b"\xff\xfe")]

    assert [(a.status_code, a.get_json()["error"]["field"]) for a in answers] == [
        (422, "body"), (422, "body"), (422, "body"), (422, "body"), (400, "body"),
        (400, "body"), (400, "body"), (400, "body")]
    assert Submission.select().count() == 0


def test_naughty_strings_are_stored_exactly_or_refused(client, bearer):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    learner = make_member(cohort)
    headers, url = bearer(learner), _url(cohort, case)

    wrong = []
    for text in naughty_strings():
        response = client.put(url, json={"body": text}, headers=headers)
        if refused(text):
            ok = response.status_code == 422
        else:
            stored = Submission.get(Submission.user == learner).body_md
            ok = response.status_code in (200, 201) and \
                response.get_json()["body_md"] == stored == text
        if not ok:
            wrong.append((text, response.status_code))

    assert wrong == []
