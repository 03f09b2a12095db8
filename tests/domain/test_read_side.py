"""The read side of cases and homework on a real database: "is it out" (one definition on a
row, in a query and for a schedule slot), what a reader sees, which homework a reader may
read (the one peer rule), and who may write. Default cohort: due 72 h, grace 12 h."""
from datetime import timedelta

import pytest

from learnclub.domain.cases import queries as cases
from learnclub.domain.cases.editing import archive_case, schedule_of
from learnclub.domain.cases.schedule import Slot
from learnclub.domain.homework import queries as homework
from learnclub.domain.homework.feedback import toggle_featured
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation import tracking
from learnclub.domain.participation.leave import grant_extension
from learnclub.models import Case, Membership
from tests.factories import T0, make_case, make_cohort, make_member, make_user

OPEN = T0 + timedelta(hours=1)
IN_GRACE = T0 + timedelta(hours=78)
AFTER_GRACE = T0 + timedelta(hours=85)


@pytest.fixture
def lab(app):
    """A cohort with a case out at T0, one archived after T0, one going out at T0 + 4 days
    and a queued one with no date yet."""
    cohort = make_cohort()
    out = make_case(cohort, title="已发布")
    archived = make_case(cohort, title="已归档", publish_at=T0 - timedelta(days=4))
    archive_case(archived, now=T0)
    coming = make_case(cohort, title="待发布", publish_at=T0 + timedelta(days=4))
    return cohort, out, archived, coming


def titles(cases_):
    return [c.title for c in cases_]


def test_is_out_on_a_row_in_a_query_and_for_a_slot_agree(lab):
    cohort, out, archived, coming = lab
    undated = Case(cohort=cohort, title="未排期", publish_at=None, archived_at=None)

    on_rows = [c.is_out(OPEN) for c in (out, Case.get_by_id(archived.id), coming, undated)]
    in_query = titles(Case.select().where((Case.cohort == cohort) & Case.is_out(OPEN)))
    for_slots = [(s.case.title, cases.is_out(s, OPEN)) for s in schedule_of(cohort)]

    assert on_rows == [True, False, False, False]
    assert in_query == ["已发布"]
    assert for_slots == [("已发布", True), ("待发布", False)]
    assert isinstance(schedule_of(cohort)[0], Slot)


def test_is_out_from_the_moment_of_publication(lab):
    _cohort, out, _archived, _coming = lab

    assert [cases.is_out(out, T0 - timedelta(seconds=1)), cases.is_out(out, T0)] == [
        False, True]


def test_visible_cases_by_reader(lab):
    cohort, _out, _archived, _coming = lab
    learner, outsider = make_member(cohort), make_user()
    removed = make_member(cohort, status="removed")
    Membership.update(removed_at=T0 - timedelta(hours=1)).where(
        Membership.user == removed).execute()
    later = T0 + timedelta(days=5)

    seen = {who: titles(cases.visible_cases(cohort, reader, now=later))
            for who, reader in (("staff", cohort.created_by), ("learner", learner),
                                ("removed", removed), ("outsider", outsider))}

    assert seen == {"staff": ["已发布", "待发布"], "learner": ["已发布", "待发布"],
                    "removed": [], "outsider": []}
    assert titles(s.case for s in cases.out_slots(cohort, cohort.created_by, now=OPEN)) == [
        "已发布"]


def test_find_case_staff_find_archived_members_only_what_is_out(lab):
    cohort, out, archived, coming = lab
    learner = make_member(cohort)

    found = [(c.title, bool(cases.find_case(cohort, c.id, reader, now=OPEN)))
             for reader in (cohort.created_by, learner) for c in (out, archived, coming)]

    assert found == [("已发布", True), ("已归档", True), ("待发布", True),
                     ("已发布", True), ("已归档", False), ("待发布", False)]
    assert cases.find_case(cohort, 2**63, learner, now=OPEN) is None


@pytest.mark.parametrize(("rule", "handed_in", "featured", "at", "readable"), [
    ("always", False, False, OPEN, True),
    ("after_due", False, False, IN_GRACE, True),
    ("after_due", False, True, OPEN, False),
    ("after_submission", True, False, OPEN, True),
    ("after_submission", False, False, AFTER_GRACE, False),
    ("after_submission", False, True, IN_GRACE, False),
    ("after_submission", False, True, AFTER_GRACE, True),
])
def test_may_read_peers_follows_the_cohorts_setting(app, rule, handed_in, featured, at,
                                                    readable):
    cohort = make_cohort(peer_visibility=rule)
    make_case(cohort)
    slot = schedule_of(cohort)[0]

    assert homework.may_read_peers(cohort, slot, staff=False, active=True, handed_in=handed_in,
                                   now=at, featured=featured) is readable


def test_may_read_peers_staff_always_removed_never(app):
    cohort = make_cohort(peer_visibility="always")
    make_case(cohort)
    slot = schedule_of(cohort)[0]

    answers = [homework.may_read_peers(cohort, slot, staff=staff, active=active,
                                       handed_in=True, now=OPEN)
               for staff, active in ((True, False), (False, False))]

    assert answers == [True, False]


def _written(case, text, *, featured=False, at=OPEN):
    submission, _ = submit_homework(case, make_member(case.cohort), text, now=at)
    if featured:
        toggle_featured(submission, actor=case.cohort.created_by, now=at)
    return submission


def test_readable_submissions_on_a_case_and_in_the_cohort(app):
    cohort = make_cohort()
    case = make_case(cohort)
    pick, plain = _written(case, "精选", featured=True), _written(case, "普通")
    reader = make_member(cohort)

    def bodies(target, now):
        return sorted(s.body_md for s in homework.readable_submissions(target, reader, now=now))

    before = (bodies(case, OPEN), bodies(cohort, AFTER_GRACE))
    submit_homework(case, reader, "我的", now=OPEN)

    assert before == ([], ["精选"])
    assert bodies(case, OPEN) == bodies(cohort, OPEN) == ["我的", "普通", "精选"]
    assert homework.readable_submission(cohort, plain.id, reader, now=OPEN).id == plain.id
    assert pick.id != plain.id


def test_readable_submission_hidden_and_missing_answer_alike(app):
    cohort = make_cohort()
    case = make_case(cohort)
    hidden = _written(case, "同学的")
    reader = make_member(cohort)

    assert [homework.readable_submission(cohort, sid, reader, now=OPEN)
            for sid in (hidden.id, hidden.id + 99, 0, 2**63)] == [None] * 4


def test_removed_learner_reads_only_their_own(app):
    cohort = make_cohort(peer_visibility="always")
    case = make_case(cohort)
    _written(case, "同学的")
    removed = make_member(cohort)
    submit_homework(case, removed, "我的", now=OPEN)
    Membership.update(status="removed", removed_at=IN_GRACE).where(
        Membership.user == removed).execute()

    readable = [s.body_md for s in homework.readable_submissions(cohort, removed,
                                                                 now=AFTER_GRACE)]

    assert readable == ["我的"]


def test_may_write_open_grace_extension_not_after(app):
    cohort = make_cohort()
    case = make_case(cohort)
    learner, guest = make_member(cohort), make_member(cohort, role="guest")

    windows = [homework.may_write(case, learner, at) for at in (
        T0 - timedelta(minutes=1), OPEN, IN_GRACE, AFTER_GRACE)]
    grant_extension(case, learner, until=AFTER_GRACE + timedelta(hours=5),
                    actor=cohort.created_by, now=AFTER_GRACE)

    assert windows == [False, True, True, False]
    assert homework.write_window(case, learner, now=AFTER_GRACE) == "extended"
    assert homework.may_write(case, learner, AFTER_GRACE + timedelta(hours=6)) is False
    assert homework.write_window(case, guest, now=OPEN) == "not_learner"


def test_featured_submissions_for_a_reader_follow_the_peer_rule(app):
    cohort = make_cohort()
    case = make_case(cohort)
    _written(case, "精选", featured=True)
    reader = make_member(cohort)

    def shown(now):
        return [(slot.case.title, [s.body_md for s in subs]) for slot, subs in
                tracking.featured_submissions(cohort, now=now, reader=reader)]

    before = (shown(OPEN), shown(AFTER_GRACE))
    submit_homework(case, reader, "我的", now=OPEN)

    assert before == ([], [("案例一", ["精选"])])
    assert shown(OPEN) == [("案例一", ["精选"])]


def test_own_homework_keeps_archived_cases_and_stops_at_removal(app):
    cohort = make_cohort()
    first = make_case(cohort, title="第一")
    learner = make_member(cohort)
    submit_homework(first, learner, "第一篇", now=OPEN)
    archive_case(first, now=IN_GRACE)

    own = [s.case.title for s in homework.own_homework(cohort, learner, now=AFTER_GRACE)]

    assert own == ["第一"]
