"""On time means sent on time: homework is judged on the request's arrival (a trusted proxy's
X-Request-Start, else the moment the app took it), and a request that waited too long is
answered at once with 503 and Retry-After, changing nothing."""
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.arrival import arrived_at, parse_request_start
from learnclub.models import Submission
from tests.factories import PASSWORD, make_case, make_cohort, make_member
from tests.timeline import START, Clock

INSTANT = START + timedelta(milliseconds=123)  #: any instant with a fraction of a second


@pytest.mark.parametrize("header", [
    f"t={INSTANT.timestamp():.3f}", f"{INSTANT.timestamp():.3f}",
    f"t={int(INSTANT.timestamp() * 1000)}", f"t={int(INSTANT.timestamp() * 1_000_000)}"])
def test_request_start_in_seconds_milliseconds_or_microseconds(header):
    assert abs(parse_request_start(header) - INSTANT) < timedelta(milliseconds=1)


@pytest.mark.parametrize("header", ["", "t=", "t=abc", "t=-5", "nan", "inf", "t=1e400",
                                    "t=0", None, "９９９", "t=1e5", "t=99999999999999999999"])
def test_request_start_that_is_not_a_time_is_none(header):
    assert parse_request_start(header) is None


def test_arrival_believes_a_trusted_stamp_only_within_reason():
    now = START
    stamp = lambda instant: f"t={instant.timestamp():.3f}"  # noqa: E731

    assert arrived_at(stamp(now - timedelta(seconds=8)), now, trust_header=True) \
        == now - timedelta(seconds=8)
    assert arrived_at(stamp(now - timedelta(seconds=8)), now, trust_header=False) == now
    assert arrived_at(stamp(now - timedelta(hours=1)), now, trust_header=True) == now
    assert arrived_at(stamp(now + timedelta(hours=1)), now, trust_header=True) == now
    assert arrived_at(stamp(now + timedelta(seconds=1)), now, trust_header=True) == now


@pytest.fixture
def rush(make_app):
    """A cohort behind a trusted proxy, one learner and a case due in 60 s."""
    app = make_app(WTF_CSRF_ENABLED=False, TRUST_PROXY=True, MAX_WAIT=10.0)
    cohort = make_cohort(homework_grace_hours=0, min_window_hours=1)
    case = make_case(cohort, publish_at=START - timedelta(hours=72) + timedelta(seconds=60))
    return app, cohort, case, make_member(cohort)


def _put(app, bearer, cohort, case, learner, sent):
    return app.test_client().put(
        f"/api/v1/cohorts/{cohort.slug}/cases/{case.id}/homework/mine",
        json={"body": "最后一分钟"},
        headers={**bearer(learner), "X-Request-Start": f"t={sent.timestamp():.3f}"})


def test_homework_sent_before_the_due_time_is_on_time_when_handled_after(rush, bearer):
    app, cohort, case, learner = rush
    due = case.publish_at + timedelta(hours=72)
    sent = due - timedelta(seconds=2)
    Clock.travel_to(due + timedelta(seconds=5))  # the worker gets to it 7 s later

    response = _put(app, bearer, cohort, case, learner, sent)

    assert (response.status_code, response.get_json()["late"]) == (201, False)
    assert abs(Submission.get().submitted_at - sent) < timedelta(milliseconds=1)


def test_a_request_that_waited_too_long_is_shed_and_changes_nothing(rush, bearer):
    app, cohort, case, learner = rush
    sent = clock.now()
    Clock.travel_to(sent + timedelta(seconds=11))

    response = _put(app, bearer, cohort, case, learner, sent)

    assert (response.status_code, response.headers["Retry-After"]) == (503, "3")
    assert "busy" in response.get_json()["error"]["message"]
    assert Submission.select().count() == 0


def test_an_untrusted_stamp_does_not_make_late_work_on_time(make_app, bearer):
    app = make_app(WTF_CSRF_ENABLED=False, TRUST_PROXY=False)
    cohort = make_cohort(homework_grace_hours=1, min_window_hours=1)
    case = make_case(cohort, publish_at=START - timedelta(hours=72, minutes=30))  # due 30 min ago
    learner = make_member(cohort)

    response = _put(app, bearer, cohort, case, learner, clock.now() - timedelta(hours=1))

    assert (response.status_code, response.get_json()["late"]) == (201, True)


def test_the_web_form_is_judged_on_arrival_too(rush):
    app, cohort, case, learner = rush
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post("/login", data={"email": learner.email, "password": PASSWORD}
                       ).status_code == 302
    due = case.publish_at + timedelta(hours=72)
    sent = due - timedelta(seconds=1)
    Clock.travel_to(due + timedelta(seconds=3))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "网页上最后一秒"},
                           headers={"X-Request-Start": f"t={sent.timestamp():.3f}"})

    assert response.status_code == 302
    assert Submission.get().late_seconds == 0
