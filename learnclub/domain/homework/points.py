"""Points (积分): a ledger where every award has a key, so it is given once and only once."""
from learnclub.models import PointEvent


def award_points(cohort, user, *, key, kind, points, now, case=None):
    """Add a ledger line unless one with this key exists (or points are off). Returns nothing."""
    if not cohort.points_enabled or points <= 0:
        return
    PointEvent.insert(cohort=cohort, user=user, key=key, kind=kind, points=points, case=case,
                      created_at=now).on_conflict_ignore().execute()


def revoke_points(key):
    """Take back an award (e.g. a featured pick that was undone)."""
    PointEvent.delete().where(PointEvent.key == key).execute()
