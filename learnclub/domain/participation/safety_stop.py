"""The safety stop on mass removal (docs/rules.md "Participation and removal"): how many
learners one sweep may remove before it is held for a host to confirm."""


def removal_stop(cohort, active):
    """How many learners one sweep may remove among `active` active learners: the cohort's
    share (`removal_stop_percent`, rounded down) or its count (`removal_stop_count`),
    whichever is fewer; exactly that many is allowed. One removal is never held: a stop is
    for mass removal, and a small cohort keeps its rule."""
    share = active * cohort.removal_stop_percent // 100
    return max(min(share, cohort.removal_stop_count), 1)


def removal_held(cohort, removals, active):
    """Whether a sweep removing `removals` of `active` active learners is held by the stop."""
    return removals > removal_stop(cohort, active)
