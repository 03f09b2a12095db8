"""Which cases counted (docs/rules.md "Removal", "Dry run and pausing"): for each learner the
sweep would remove, the host's dry run (the participation page and `learnclub participation
sweep --dry-run`) and the removal notice list the cases that counted as misses with their due
times in the cohort's zone, and how many other closed cases did not count for that learner
and why; the page's queries do not grow with the cohort.

Every test starts at timeline.START; 张三 joined ten days before it."""
from datetime import timedelta

import pytest

from learnclub.domain.participation import pausing
from learnclub.domain.participation import sweep as participation
from learnclub.domain.participation.leave import decide_leave, excuse_learner, grant_extension
from learnclub.models import Case, LeaveRequest, Miss, OutboxMessage
from tests import timeline
from tests.factories import make_case, make_cohort
from tests.query_count import count_queries
from tests.web.test_participation import (
    BASE,
    SHANGHAI,
    closed_case,
    hand_in,
    html_of,
    learner,
    section,
    signed_in,
)

#: the reasons the dry run gives, in its order, for the club's seven cases that did not count
NOT_COUNTED = ("no homework due: 1 · misses paused for the case: 1 · joined after it came "
               "out: 1 · window shorter than the minimum (24 h): 1 · on leave: 1 · excused by "
               "staff: 1 · extension still running: 1")


def due_of(case):
    """The case's due time as the cohort reads it: 72 hours are three local days."""
    return (case.publish_at.astimezone(SHANGHAI) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")


def due_words(case):
    """The same due time as pages and mail write it in English: "Thu 3 Dec, 10:00"."""
    due = case.publish_at.astimezone(SHANGHAI) + timedelta(days=3)
    return f"{due:%a} {due.day} {due:%b}, {due:%H:%M}"


def closed_cases_for(cohort, person, *, prefix=""):
    """Closed cases, one for each way a case can count or not for `person` (joined ten days
    ago): {what: case}. Only "counted" gives them a miss."""
    now, host = timeline.now(), cohort.created_by
    case = {"joined_later": closed_case(cohort, f"{prefix}入群前的案例", days_ago=12),
            "counted": closed_case(cohort, f"{prefix}没交的案例", days_ago=9),
            "no_homework": make_case(cohort, title=f"{prefix}无需作业的案例", no_homework=True,
                                     publish_at=now - timedelta(days=8, hours=12)),
            "paused": closed_case(cohort, f"{prefix}暂停的案例", days_ago=8),
            "window_short": closed_case(cohort, f"{prefix}晚存的案例", days_ago=7.5),
            "on_leave": closed_case(cohort, f"{prefix}请假的案例", days_ago=7),
            "excused": closed_case(cohort, f"{prefix}免交的案例", days_ago=6.5),
            "extension": closed_case(cohort, f"{prefix}延期的案例", days_ago=6),
            "handed_in": closed_case(cohort, f"{prefix}交了的案例", days_ago=5)}
    pausing.set_case_removals_paused(case["paused"], True, actor=host, now=now)
    short = case["window_short"]  # saved 2 hours before its due time: too short a window
    Case.update(created_at=short.publish_at + timedelta(hours=70)).where(
        Case.id == short.id).execute()
    request = LeaveRequest.create(cohort=cohort, user=person, case=case["on_leave"],
                                  reason="出差", created_at=now)
    decide_leave(request, True, actor=host, now=now)
    excuse_learner(case["excused"], person, actor=host, reason="生病", now=now)
    grant_extension(case["extension"], person, until=now + timedelta(days=1), actor=host,
                    now=now)
    hand_in(case["handed_in"], person, at=case["handed_in"].publish_at + timedelta(hours=1))
    return case


@pytest.fixture
def club(app):
    """A cohort (strike limit 1), its host signed in, 张三 and a case of each kind."""
    cohort = make_cohort(excused_per_learner=5)
    zhang = learner(cohort, "张三", joined=timeline.now() - timedelta(days=10))
    cases = closed_cases_for(cohort, zhang)
    return cohort, zhang, cases, signed_in(app, cohort.created_by)


def test_dry_run_lists_the_counted_cases_and_why_the_others_did_not_count(club):
    cohort, _zhang, cases, host = club

    response = host.get(f"/c/{cohort.slug}/participation")

    sweep = section(html_of(response), "sweep-heading")
    counted = cases["counted"]
    assert response.status_code == 200
    assert "张三</strong> <span class=\"muted\">missed: 没交的案例</span>" in sweep
    assert (f'<li>没交的案例 <span class="muted nowrap">· due {due_words(counted)}</span></li>'
            in sweep)
    assert f"7 other closed cases did not count: {NOT_COUNTED}." in sweep
    assert "Due times in Beijing time." in sweep
    assert Miss.select().count() == 0  # a dry run changes nothing


def test_dry_run_explains_in_chinese(app, club):
    cohort, _zhang, _cases, _host = club
    host = signed_in(app, cohort.created_by, language="zh-CN")

    sweep = section(html_of(host.get(f"/c/{cohort.slug}/participation")), "sweep-heading")

    assert ("另有 7 个已截止的案例不计缺交：无需交作业: 1 · 该案例已暂停记缺交: 1 · "
            "案例发布后才入群: 1 · 作业时间窗短于最短要求（24 小时）: 1 · 请假已获批准: 1 · "
            "群主或助教已免交: 1 · 延期尚未结束: 1。") in sweep


def test_removal_notice_lists_the_counted_cases_and_why_the_others_did_not_count(club):
    cohort, zhang, cases, _host = club
    zhang.locale = "en"
    zhang.save()

    participation.sweep_all(now=timeline.now(), base_url=BASE)

    [mail] = OutboxMessage.select().where((OutboxMessage.user == zhang)
                                          & OutboxMessage.key.startswith("removal:"))
    assert (f"These cases counted as missed:\n\n- 没交的案例, due {due_words(cases['counted'])} "
            "(Beijing time)\n\n") in mail.body
    assert ("7 other closed cases did not count against you:\n- no homework due: 1\n"
            "- misses paused for the case: 1\n- joined after it came out: 1\n"
            "- window shorter than the minimum (24 h): 1\n- on leave: 1\n"
            "- excused by staff: 1\n- extension still running: 1\n\n") in mail.body
    assert "交了的案例" not in mail.body  # handed in: neither counted nor left out
    assert "没交的案例, due" in mail.html_body


def test_cli_dry_run_lists_the_counted_cases_and_why_the_others_did_not_count(club, runner):
    cohort, _zhang, cases, _host = club

    result = runner.invoke(args=["participation", "sweep", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert (f"  remove   张三 · 没交的案例\n"
            f"           counted: 没交的案例 (due {due_of(cases['counted'])} Asia/Shanghai)\n"
            f"           did not count: 7 other closed cases "
            f"({NOT_COUNTED.replace(' · ', '; ')})\n") in result.output
    assert Miss.select().count() == 0


def test_a_miss_on_an_archived_case_still_counts_with_its_title(club):
    cohort, zhang, _cases, host = club
    gone = closed_case(cohort, "下架的案例", days_ago=11)
    Miss.create(cohort=cohort, user=zhang, case=gone, created_at=gone.publish_at)
    Case.update(archived_at=timeline.now()).where(Case.id == gone.id).execute()

    sweep = section(html_of(host.get(f"/c/{cohort.slug}/participation")), "sweep-heading")

    assert "missed: 下架的案例、没交的案例</span>" in sweep
    assert "<li>下架的案例" in sweep


def _page_queries(app, *, learners):
    """Statements run by the participation page of a new cohort where `learners` learners
    would each be removed, with every reason for a case not to count."""
    cohort = make_cohort(excused_per_learner=5, removal_stop_percent=100,
                         removal_stop_count=10_000)
    people = [learner(cohort, f"学员{j}", joined=timeline.now() - timedelta(days=10))
              for j in range(learners)]
    for j, person in enumerate(people):
        closed_cases_for(cohort, person, prefix=f"{j}·")
    gone = closed_case(cohort, "下架的案例", days_ago=11)
    for person in people:
        Miss.create(cohort=cohort, user=person, case=gone, created_at=gone.publish_at)
    Case.update(archived_at=timeline.now()).where(Case.id == gone.id).execute()
    host = signed_in(app, cohort.created_by)
    host.get("/")
    with count_queries() as statements:
        response = host.get(f"/c/{cohort.slug}/participation")
    assert response.status_code == 200
    assert html_of(response).count("other closed cases did not count") == learners
    return len(statements)


def test_dry_run_queries_do_not_grow_with_the_learners_and_cases(app):
    assert _page_queries(app, learners=1) == _page_queries(app, learners=4)
