"""Schemathesis takes the OpenAPI document the app serves at /api/v1/openapi.json and sends
generated requests, valid and invalid, in-process (WSGI, no server) to every operation, as
a host and as a learner with a write token, on a seeded cohort: no server error, every
status, header, content type and body as documented, invalid input refused, valid input
accepted.

Bounded (25 examples an operation) and derandomised: the same requests every run, some ten
seconds per backend. The pytest plugin's from_fixture() fails on pytest 9 (it sets
node._nodeid), so the document is built by the same function the app serves it with
(test_openapi checks they are equal) and each test points the operations at its own app.
"""
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from learnclub import clock
from learnclub.api.openapi import document
from learnclub.domain.accounts.api_tokens import create_token
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.sharing.talks import add_one_off_slot
from learnclub.models import Talk
from tests.factories import make_case, make_cohort, make_member

#: a PUT can be refused by a rule no schema can express (the minimum length counted the
#: way a reader counts, text that is only whitespace): 422 is an answer to valid JSON
RULE_REFUSALS = ["2xx", "401", "403", "404", "409", "422"]


def _seed():
    """A cohort with a case open for homework, one scheduled, the learner's and a peer's
    homework, a guest's talk on the calendar and one in the archive; returns (cohort, open
    case, host, learner)."""
    now = clock.now()
    cohort = make_cohort(slug="lab", homework_min_length=2)
    open_case = make_case(cohort, title="开放的案例", publish_at=now - timedelta(hours=2))
    make_case(cohort, title="下周的案例", publish_at=now + timedelta(days=4))
    learner, peer = make_member(cohort), make_member(cohort)
    guest = make_member(cohort, role="guest")
    submit_homework(open_case, peer, "同学的作业：**三件事**", now=now)
    submit_homework(open_case, learner, "我的作业", now=now)
    slot = add_one_off_slot(cohort, now + timedelta(days=2), actor=None, now=now)
    Talk.create(cohort=cohort, guest=guest, topic="从一个群到一张网", status="confirmed",
                slot=slot, created_at=now, updated_at=now)
    held = Talk.create(cohort=cohort, guest=guest, topic="第一期", status="held", number=1,
                       published_at=now, created_at=now, updated_at=now)
    assert held.id == TALK_ID
    return cohort, open_case, cohort.created_by, learner


#: the seeded cohort, its open case and its held talk (rows of a fresh database)
SLUG, CASE_ID, TALK_ID = "lab", 1, 2
CONFIG = SchemathesisConfig.from_dict({
    "base-url": "http://localhost/api/v1",
    "parameters": {"slug": SLUG, "case_id": CASE_ID, "talk_id": TALK_ID},
    "generation": {"max-examples": 25, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "operations": [{"include-method": "PUT", "checks": {
        "positive_data_acceptance": {"expected-statuses": RULE_REFUSALS}}}],
})
schema = schemathesis.openapi.from_dict(document("http://localhost"), config=CONFIG)


@pytest.fixture(params=["host", "learner"])
def caller(request, app):
    """The app with the seeded cohort, and the Authorization header of its host or of a
    learner (tokens that may write)."""
    cohort, open_case, host, learner = _seed()
    assert (cohort.slug, open_case.id) == (SLUG, CASE_ID)
    who = {"host": host, "learner": learner}[request.param]
    _token, secret = create_token(who, name="schemathesis", scope="write", now=clock.now())
    return app, {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
# one seeded database per operation and caller, shared by its examples: on purpose
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_documented(case, caller):
    app, headers = caller
    # this test's app (its database), also for the probes checks send on their own
    case.operation.app = case.operation.schema.app = app
    # a case whose headers are the invalid part (no or a broken Authorization) is sent as
    # generated: adding the caller's token would make the request valid and then "accepted"
    header = (case.meta.components.get(ParameterLocation.HEADER) if case.meta else None)
    negative_headers = header is not None and header.mode == GenerationMode.NEGATIVE
    case.call_and_validate(headers=None if negative_headers else headers)
