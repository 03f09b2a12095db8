"""Tracking homework: each cell's state and its boundaries, sorting, rates, case reports,
a learner's history, featured homework, the leaderboard: on a real database.

Time phases of the first case (published at P1, due at P1 + 72 h, late work until + 84 h):
`open_phase`, `in_grace`, `after_grace`. Submissions are written directly with the model.
"""
from datetime import timedelta

import pytest

from learnclub.domain.cases.editing import create_case
from learnclub.domain.errors import DomainError, NotFound
from learnclub.domain.participation import standings, tracking
from learnclub.models import Excuse, Membership, PointEvent, Submission
from tests.factories import T0, make_cohort, make_member, make_user
from tests.query_count import count_queries

P1 = T0 + timedelta(days=1)  #: the first case goes out
DUE1 = P1 + timedelta(hours=72)
GRACE1 = DUE1 + timedelta(hours=12)
open_phase = P1 + timedelta(hours=1)
in_grace = DUE1 + timedelta(hours=1)
after_grace = GRACE1 + timedelta(hours=1)


def add_case(cohort, title, publish_at):
    """A case with a fixed publication time."""
    return create_case(cohort, {"title": title, "body_md": "正文", "homework_prompt": "",
                                "publish_at": publish_at}, actor=cohort.created_by, now=T0)


def hand_in(case, user, *, at, late_seconds=0, length=120, featured=False, body="我的作业"):
    return Submission.create(case=case, user=user, body_md=body, length=length,
                             submitted_at=at, updated_at=at, late_seconds=late_seconds,
                             featured_at=at if featured else None)


def excuse(case, user, reason="出差"):
    return Excuse.create(case=case, user=user, reason=reason, created_at=T0)


def states(row):
    return [cell.state for cell in row.cells]


@pytest.fixture
def club(app):
    """A cohort with one case out at P1 and four learners: 甲 on time, 乙 late, 丙 excused,
    丁 nothing."""
    cohort = make_cohort()
    case = add_case(cohort, "案例一", P1)
    people = {name: make_member(cohort, make_user(display_name=name)) for name in "甲乙丙丁"}
    hand_in(case, people["甲"], at=P1 + timedelta(hours=5))
    hand_in(case, people["乙"], at=DUE1 + timedelta(hours=5), late_seconds=5 * 3600)
    excuse(case, people["丙"])
    return cohort, case, people


def by_name(matrix):
    return {row.user.display_name: row for row in matrix.rows}


def test_each_state_after_grace(club):
    cohort, _case, _people = club

    rows = by_name(tracking.participation_matrix(cohort, now=after_grace))

    assert {name: states(row) for name, row in rows.items()} == {
        "甲": ["on_time"], "乙": ["late"], "丙": ["excused"], "丁": ["missed"]}
    assert (rows["乙"].cells[0].late_seconds, rows["甲"].cells[0].length) == (5 * 3600, 120)


def test_nothing_yet_is_open_while_homework_is_accepted(club):
    cohort, _case, _people = club

    during = [states(by_name(tracking.participation_matrix(cohort, now=now))["丁"])
              for now in (open_phase, in_grace)]

    assert during == [["open"], ["open"]]


def test_missed_begins_exactly_when_grace_ends(club):
    cohort, _case, _people = club

    before = tracking.participation_matrix(cohort, now=GRACE1 - timedelta(microseconds=1))
    at = tracking.participation_matrix(cohort, now=GRACE1)

    assert (states(by_name(before)["丁"]), states(by_name(at)["丁"])) == (["open"], ["missed"])


def test_cases_not_out_yet_are_no_columns(club):
    cohort, _case, _people = club
    add_case(cohort, "案例二", P1 + timedelta(days=4))

    early = tracking.participation_matrix(cohort, now=after_grace)
    later = tracking.participation_matrix(cohort, now=P1 + timedelta(days=4))

    assert ([s.case.title for s in early.slots], [s.case.title for s in later.slots]) == (
        ["案例一"], ["案例一", "案例二"])


def test_counts_per_row(club):
    cohort, _case, people = club
    second = add_case(cohort, "案例二", P1 + timedelta(days=4))
    hand_in(second, people["丁"], at=P1 + timedelta(days=4, hours=2))

    row = by_name(tracking.participation_matrix(cohort, now=P1 + timedelta(days=9)))["丁"]

    assert (row.submitted, row.counts["late"], row.counts["missed"], row.counts["excused"]) == (
        1, 0, 1, 0)


def test_a_learner_who_joined_after_a_case_went_out_owes_nothing_on_it(club):
    cohort, case, _people = club
    newcomer = make_user(display_name="新人")
    Membership.create(cohort=cohort, user=newcomer, role="learner",
                      joined_at=P1 + timedelta(hours=2))

    row = by_name(tracking.participation_matrix(cohort, now=after_grace))["新人"]

    assert (states(row), row.counts["missed"]) == (["not_member"], 0)


def test_removed_learners_appear_only_when_asked_flagged_and_last(club):
    cohort, _case, people = club
    Membership.update(status="removed", removed_at=after_grace).where(
        Membership.user == people["甲"]).execute()

    default = tracking.participation_matrix(cohort, now=after_grace)
    with_removed = tracking.participation_matrix(cohort, now=after_grace, include_removed=True)

    assert [r.user.display_name for r in default.rows] == ["丁", "丙", "乙"]
    assert [(r.user.display_name, r.removed) for r in with_removed.rows][-1] == ("甲", True)


def test_a_case_whose_grace_ended_after_removal_is_not_a_miss(club):
    cohort, _case, people = club
    later = P1 + timedelta(days=4)
    add_case(cohort, "案例二", later)
    Membership.update(status="removed", removed_at=after_grace).where(
        Membership.user == people["丁"]).execute()

    rows = by_name(tracking.participation_matrix(cohort, now=later + timedelta(days=5),
                                                 include_removed=True))

    assert states(rows["丁"]) == ["missed", "not_member"]


@pytest.mark.parametrize(("sort", "order"), [
    ("name", ["Ann", "bob", "Cy"]),
    ("joined", ["Cy", "Ann", "bob"]),
    ("missed", ["bob", "Ann", "Cy"]),
])
def test_sorting(app, sort, order):
    cohort = make_cohort()
    first, second = add_case(cohort, "一", P1), add_case(cohort, "二", P1 + timedelta(days=4))
    joined = {"Cy": T0 - timedelta(days=2), "Ann": T0 - timedelta(days=1), "bob": T0}
    users = {}
    for name, when in joined.items():
        users[name] = make_user(display_name=name)
        Membership.create(cohort=cohort, user=users[name], role="learner", joined_at=when)
    hand_in(first, users["Ann"], at=P1)
    hand_in(first, users["Cy"], at=P1)
    hand_in(second, users["Cy"], at=P1 + timedelta(days=4))

    matrix = tracking.participation_matrix(cohort, now=P1 + timedelta(days=9), sort=sort)

    assert [r.user.display_name for r in matrix.rows] == order


def test_an_unknown_sort_is_refused(club):
    cohort, _case, _people = club

    with pytest.raises(DomainError) as exc:
        tracking.participation_matrix(cohort, now=after_grace, sort="email")
    assert exc.value.field == "sort"


def test_rates_count_active_learners_who_handed_in(club):
    cohort, _case, people = club
    second = add_case(cohort, "案例二", P1 + timedelta(days=4))
    hand_in(second, people["甲"], at=P1 + timedelta(days=4, hours=1))
    Membership.update(status="removed", removed_at=after_grace).where(
        Membership.user == people["乙"]).execute()

    rates = tracking.submission_rates(cohort, now=P1 + timedelta(days=5))

    assert [(r.slot.case.title, r.submitted, r.expected, r.percent) for r in rates] == [
        ("案例一", 1, 3, 33), ("案例二", 1, 3, 33)]


def test_rates_of_a_cohort_without_learners_are_zero(app):
    cohort = make_cohort()
    add_case(cohort, "案例一", P1)

    assert [(r.expected, r.percent) for r in tracking.submission_rates(cohort, now=P1)] == [
        (0, 0)]


def test_case_report_groups_learners(club):
    cohort, case, people = club
    make_member(cohort, make_user(display_name="戊"))
    hand_in(case, people["丁"], at=DUE1 + timedelta(hours=1), late_seconds=3600)

    report = tracking.case_report(cohort, case, now=after_grace)

    names = [[m.user.display_name for m, _cell in group]
             for group in (report.on_time, report.late, report.missing, report.excused)]
    assert names == [["甲"], ["丁", "乙"], ["戊"], ["丙"]]
    assert [c.late_seconds for _m, c in report.late] == [3600, 5 * 3600]
    assert report.excused[0][1].excuse_reason == "出差"


def test_case_report_of_a_case_not_out_is_not_found(club):
    cohort, _case, _people = club
    coming = add_case(cohort, "案例二", P1 + timedelta(days=4))

    with pytest.raises(NotFound):
        tracking.case_report(cohort, coming, now=after_grace)


def test_learner_history_has_every_published_case(club):
    cohort, case, people = club
    second = add_case(cohort, "案例二", P1 + timedelta(days=4))
    Submission.update(featured_at=after_grace).where(Submission.case == case).execute()

    row = tracking.learner_history(cohort, people["甲"].id, now=P1 + timedelta(days=4, hours=1))

    assert [(c.case.id, c.state, c.featured, c.length) for c in row.cells] == [
        (case.id, "on_time", True, 120), (second.id, "open", False, 0)]
    assert row.cells[0].submitted_at == P1 + timedelta(hours=5)


def test_learner_history_of_a_stranger_is_not_found(club):
    cohort, _case, _people = club

    with pytest.raises(NotFound):
        tracking.learner_history(cohort, make_user().id, now=after_grace)


def test_featured_homework_newest_case_first_once_peers_may_read_it(club):
    cohort, case, people = club
    second = add_case(cohort, "案例二", P1 + timedelta(days=4))
    Submission.update(featured_at=after_grace).where(Submission.user == people["甲"]).execute()
    hand_in(second, people["乙"], at=P1 + timedelta(days=4, hours=1), featured=True)
    now = P1 + timedelta(days=4, hours=2)  # the second case is still open

    for_members = tracking.featured_submissions(cohort, now=now)
    for_staff = tracking.featured_submissions(cohort, now=now, everything=True)
    later = tracking.featured_submissions(cohort, now=now + timedelta(days=5))

    def shape(groups):
        return [(slot.case.title, [s.user.display_name for s in subs]) for slot, subs in groups]
    assert shape(for_members) == [("案例一", ["甲"])]
    assert shape(for_staff) == shape(later) == [("案例二", ["乙"]), ("案例一", ["甲"])]


def award(cohort, user, points, key, kind="on_time", at=T0, case=None):
    return PointEvent.create(cohort=cohort, user=user, key=key, kind=kind, points=points,
                             case=case, created_at=at)


def test_leaderboard_sums_points_and_shares_ranks(club):
    cohort, case, people = club
    other = make_cohort()
    award(cohort, people["甲"], 10, "a1", case=case)
    award(cohort, people["甲"], 20, "a2", kind="featured")
    award(cohort, people["乙"], 30, "b1")
    award(cohort, people["丙"], 5, "c1")
    award(other, people["丁"], 99, "d1")
    award(cohort, cohort.created_by, 50, "h1", kind="comment")  # staff are not ranked

    board = standings.leaderboard(cohort)

    assert [(s.membership.user.display_name, s.points, s.rank) for s in board] == [
        ("乙", 30, 1), ("甲", 30, 1), ("丙", 5, 3), ("丁", 0, 4)]


def test_leaderboard_is_not_found_without_points(app):
    cohort = make_cohort(points_enabled=False)

    with pytest.raises(NotFound):
        standings.leaderboard(cohort)


def test_points_history_newest_first_with_its_case(club):
    cohort, case, people = club
    award(cohort, people["甲"], 10, "a1", case=case, at=P1)
    award(cohort, people["甲"], 1, "a2", kind="comment", at=P1 + timedelta(hours=1))

    member, events, total = standings.points_history(cohort, people["甲"].id)

    assert (member.user.display_name, total) == ("甲", 11)
    assert [(e.key, e.case.title if e.case else None) for e in events] == [
        ("a2", None), ("a1", "案例一")]


def test_matrix_runs_the_same_queries_whatever_the_size(club):
    cohort, _case, _people = club
    with count_queries() as few:
        tracking.participation_matrix(cohort, now=after_grace)
    for i in range(5):
        case = add_case(cohort, f"更多{i}", P1 + timedelta(days=4 * (i + 1)))
        for _ in range(3):
            hand_in(case, make_member(cohort), at=P1 + timedelta(days=4 * (i + 1)))

    with count_queries() as many:
        matrix = tracking.participation_matrix(cohort, now=P1 + timedelta(days=30))

    assert (len(many), len(matrix.rows), len(matrix.slots)) == (len(few), 19, 6)


def _varied(cohort, people):
    """Every state in one cohort: a second and third case, a newcomer, a removed learner."""
    second = add_case(cohort, "案例二", P1 + timedelta(days=4))
    add_case(cohort, "案例三", P1 + timedelta(days=8))
    hand_in(second, people["丁"], at=P1 + timedelta(days=4, hours=2), late_seconds=60)
    excuse(second, people["甲"])
    Membership.create(cohort=cohort, user=make_user(display_name="新人"), role="learner",
                      joined_at=P1 + timedelta(days=2))
    Membership.update(status="removed", removed_at=after_grace).where(
        Membership.user == people["乙"]).execute()


@pytest.mark.parametrize("sort", tracking.SORTS)
def test_a_matrix_without_cells_agrees_with_the_full_one(club, sort):
    cohort, _case, people = club
    _varied(cohort, people)
    now = P1 + timedelta(days=9)  # case 2 past grace, case 3 open

    full = tracking.participation_matrix(cohort, now=now, sort=sort, include_removed=True)
    light = tracking.participation_matrix(cohort, now=now, sort=sort, include_removed=True,
                                          cells=False)
    rows, page, pages = tracking.matrix_page(light, 1, cohort=cohort, now=now)

    assert {s for r in full.rows for s in states(r)} == set(tracking.STATES)
    assert [(r.user.display_name, r.states, r.counts) for r in light.rows] == [
        (r.user.display_name, r.states, r.counts) for r in full.rows]
    assert all(r.cells is None for r in light.rows)
    assert [(r.user.display_name, [(c.state, c.late_seconds, c.length, c.excuse_reason)
                                   for c in r.cells]) for r in rows] == [
        (r.user.display_name, [(c.state, c.late_seconds, c.length, c.excuse_reason)
                               for c in r.cells]) for r in full.rows]
    assert [(r.submitted, r.expected) for r in tracking.rates_from(light)] == [
        (r.submitted, r.expected) for r in tracking.rates_from(full)]
    assert (page, pages) == (1, 1)


def test_a_page_of_a_matrix_without_cells_runs_the_same_queries_whatever_the_size(club):
    cohort, _case, _people = club

    def heatmap_page(now):
        with count_queries() as queries:
            matrix = tracking.participation_matrix(cohort, now=now, cells=False)
            rows, _page, _pages = tracking.matrix_page(matrix, 2, cohort=cohort, now=now)
        return queries, matrix, rows

    few, _matrix, few_rows = heatmap_page(after_grace)
    for i in range(3):
        case = add_case(cohort, f"更多{i}", P1 + timedelta(days=4 * (i + 1)))
        for _ in range(20):
            hand_in(case, make_member(cohort), at=P1 + timedelta(days=4 * (i + 1)))
    many, matrix, rows = heatmap_page(P1 + timedelta(days=30))

    assert (len(many), len(matrix.rows), len(rows), len(few_rows)) == (
        len(few), 64, 64 - tracking.PER_PAGE, 4)
    assert all(len(r.cells) == 4 for r in rows)
