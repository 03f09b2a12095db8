"""Points (积分): a ledger where every award has a key, so it is given once and only once."""
from learnclub.models import PointEvent
from learnclub.prepared import Prepared

#: an award, its SQL built once (prepared.Prepared): every first submission makes one
_AWARD = Prepared(lambda cohort_id, user_id, key, kind, points, case_id, at: PointEvent.insert(
    cohort=cohort_id, user=user_id, key=key, kind=kind, points=points, case=case_id,
    created_at=at).on_conflict_ignore(), -7_000_000_001, -7_000_000_002, "sample key",
    "sample kind", -7_000_000_003, -7_000_000_004, Prepared.TIME)


def award_points(cohort, user, *, key, kind, points, now, case=None):
    """Add a ledger line unless one with this key exists (or points are off). Returns nothing."""
    if not cohort.points_enabled or points <= 0:
        return
    _AWARD.run(getattr(cohort, "id", cohort), getattr(user, "id", user), key, kind, points,
               getattr(case, "id", case), PointEvent.created_at.db_value(now))


def revoke_points(key):
    """Take back an award (e.g. a featured pick that was undone)."""
    PointEvent.delete().where(PointEvent.key == key).execute()
