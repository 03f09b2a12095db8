"""Finding what the caller asked for, with the web's permission rules: a private cohort is
not found by outsiders (its existence is not revealed), a public one is; then the same
`access.require` as the web page; a case as the case page finds it."""
from learnclub.api.errors import ApiError
from learnclub.api.language import tr
from learnclub.domain.cases.queries import find_case
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.queries import cohort_by_slug


def not_found():
    return ApiError(404, tr("There is nothing at this address, or it is not visible to you."))


def visible_cohort(slug, user):
    """(cohort, membership or None) if the cohort is public or the user was ever admitted."""
    cohort = cohort_by_slug(slug)
    membership = access.membership_of(user, cohort) if cohort is not None else None
    if cohort is None or (not cohort.is_public and membership is None):
        raise not_found()
    return cohort, membership


def cohort_for(slug, user, action):
    """(cohort, membership) if the user may take `action` there: 404 or 403 otherwise."""
    cohort, membership = visible_cohort(slug, user)
    return cohort, access.require(user, action, cohort, tr=tr, membership=membership)


def readable_cohort(slug, user):
    """A cohort whose page, calendar and archive the user may read: anyone's if it is public,
    else its active members' (the web's cohort, calendar and archive pages)."""
    cohort, membership = visible_cohort(slug, user)
    if not cohort.is_public:
        access.require(user, "view_cohort_pages", cohort, tr=tr)
    return cohort, membership


def case_in(cohort, case_id, user, *, now, membership=None):
    """The case as the web's case page finds it for the user (domain.cases.queries.find_case:
    staff any, members one that is out, a removed learner one out before they left); 404
    if not."""
    case = find_case(cohort, case_id, user, now=now, membership=membership)
    if case is None:
        raise not_found()
    return case
