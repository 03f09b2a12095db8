"""prepared.Prepared's writes (`run`): an INSERT, UPDATE or DELETE whose SQL is built once, bound
anew on each call, on SQLite and PostgreSQL: the new id, ON CONFLICT keeping the old row,
the rows an UPDATE changed, and a value written as None."""
from learnclub.models import PointEvent
from learnclub.prepared import Prepared
from tests.factories import T0, make_case, make_cohort, make_user

_AWARD = Prepared(lambda cohort_id, user_id, key, points, case_id, at: PointEvent.insert(
    cohort=cohort_id, user=user_id, key=key, kind="on_time", points=points, case=case_id,
    created_at=at).on_conflict_ignore(), -1_000_001, -1_000_002, "sample", -1_000_003,
    -1_000_004, Prepared.TIME)
_RENAME = Prepared(lambda kind, key: PointEvent.update(kind=kind).where(PointEvent.key == key),
                   "sample kind", "sample key")


def test_writes_bind_their_values_to_sql_built_once(app):
    cohort, user = make_cohort(), make_user()
    case = make_case(cohort)
    at = PointEvent.created_at.db_value(T0)

    first = _AWARD.run(cohort.id, user.id, "submission:1", 3, case.id, at)
    second = _AWARD.run(cohort.id, user.id, "submission:2", 5, None, at)  # no case: None
    again = _AWARD.run(cohort.id, user.id, "submission:1", 9, case.id, at)  # the key exists
    renamed = _RENAME.run("late", "submission:2")
    nobody = _RENAME.run("late", "no such key")

    rows = {e.key: (e.id, e.points, e.case_id, e.kind, e.created_at)
            for e in PointEvent.select()}
    assert rows == {"submission:1": (first, 3, case.id, "on_time", T0),
                    "submission:2": (second, 5, None, "late", T0)}
    assert first != second
    assert again is None
    assert (renamed, nobody) == (1, 0)
