"""Homework handed in on time and edited in grace (docs/rules.md "Homework"): it stays on
time, and the author, peers and staff see "edited after the due time (HH:MM)" beside it; the
author's history and Markdown export say so too."""
from datetime import timedelta

import pytest

from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Submission
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import START


@pytest.fixture
def setting(app):
    """A case out a day before START (10:00 Shanghai; due 72 h later, 12 h grace); an English
    learner."""
    host = make_user(can_host=True, locale="en")
    cohort = make_cohort(host=host, slug="lab")
    case = make_case(cohort, publish_at=START - timedelta(days=1))
    learner = make_member(cohort, make_user(locale="en", display_name="Lin"))
    return cohort, case, learner, host


def test_in_grace_edit_stays_on_time_and_shows_the_mark(client, login_as, clock, setting):
    cohort, case, learner, host = setting
    url = f"/c/lab/cases/{case.id}"
    login_as(learner)
    clock.to(case, "before_due")
    client.post(f"{url}/homework", data={"body_md": "按时交的作业"})
    page = client.get(url).get_data(as_text=True)
    assert "edited after the due time" not in page
    clock.to(case, "in_grace", frozen=True)  # due 10:00 Shanghai + 6 h: 16:00

    response = client.post(f"{url}/homework", data={"body_md": "宽限期里改过"},
                           follow_redirects=True)

    page = response.get_data(as_text=True)
    submission = Submission.get(Submission.user == learner)
    assert (submission.body_md, submission.is_late) == ("宽限期里改过", False)
    assert "Homework updated." in page
    assert "Marked late." not in page
    assert page.count("edited after the due time (16:00)") == 1  # own card (shown once)
    mine = client.get("/c/lab/homework/mine").get_data(as_text=True)
    assert "submitted on time" in mine
    assert "edited after the due time (16:00)" in mine
    export = client.get("/c/lab/homework/export.md").get_data(as_text=True)
    assert "(edited after the due time (16:00))" in export


def test_peers_and_staff_see_the_mark_in_their_language(client, login_as, clock, setting):
    cohort, case, learner, host = setting
    clock.to(case, "before_due")
    submit_homework(case, learner, "按时交的作业", now=clock.now())
    peer = make_member(cohort, make_user(locale="zh_Hans_CN"))
    submit_homework(case, peer, "我的作业", now=clock.now())
    clock.to(case, "in_grace", frozen=True)
    submit_homework(case, learner, "宽限期里改过", now=clock.now())

    login_as(peer)
    peer_page = client.get(f"/c/lab/cases/{case.id}").get_data(as_text=True)
    client.post("/logout")
    login_as(host)
    staff_page = client.get(f"/c/lab/cases/{case.id}").get_data(as_text=True)

    assert peer_page.count("截止后修改过（16:00）") == 1  # Lin's card, not the peer's own
    assert staff_page.count("edited after the due time (16:00)") == 1
    assert "宽限期里改过" in peer_page
    assert "宽限期里改过" in staff_page
