"""What one homework submission through the API costs in SQL statements: the cohort, the
membership and the case are loaded once each and passed down, the case's slot is placed from
that row's own times (not every live case with its text, nor a second read), the HTML goes
in with the INSERT when no anchor needs the id, and the saved submission is the answer
(docs/benchmarks.md, "One homework submission")."""
from datetime import timedelta

from learnclub.models import Miss, PointEvent, Submission
from tests.factories import make_case, make_cohort, make_member
from tests.query_count import count_queries
from tests.timeline import START


def _sql(statements):
    """The statements themselves (peewee also logs connection pool notes)."""
    return [s for s in statements if s.startswith("(")]


def test_an_api_submission_runs_a_fixed_number_of_statements(client, bearer):
    cohort = make_cohort()
    for i in range(5):  # other live cases, with their texts: not read to place this one
        make_case(cohort, title=f"旧案例 {i}", publish_at=START - timedelta(days=3 * (5 - i)))
    case = make_case(cohort, publish_at=START - timedelta(hours=1))
    learner = make_member(cohort)
    headers = bearer(learner)
    url = f"/api/v1/cohorts/{cohort.slug}/cases/{case.id}/homework/mine"

    with count_queries() as created:
        first = client.put(url, json={"body": "第一版作业"}, headers=headers)
    with count_queries() as edited:
        second = client.put(url, json={"body": "第二版作业"}, headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    # token + its first use, cohort, membership (once: the access check is given it), case
    # (its times placed from the row in hand), the existing submission, insert (its HTML
    # with it: no anchor needs the new id), points, misses voided, pictures uploaded while
    # drafting attached (one UPDATE, whether there are any or not)
    assert len(_sql(created)) == 10, "\n".join(_sql(created))
    # token, cohort, membership, case, the submission, its revision, its update, pending
    # pictures attached
    assert len(_sql(edited)) == 8, "\n".join(_sql(edited))
    saved = Submission.get()
    assert (first.get_json()["id"], second.get_json()["id"]) == (saved.id, saved.id)
    assert second.get_json()["body_md"] == saved.body_md == "第二版作业"
    assert second.get_json()["case_title"] == case.title
    assert (PointEvent.select().count(), Miss.select().count()) == (1, 0)
