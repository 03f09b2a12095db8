"""The caller, their cohorts, a cohort, and its members with their participation (staff)."""
from flask import g, jsonify

from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query
from learnclub.api.pagination import listing, page_of_rows, page_request
from learnclub.api.visibility import cohort_for, readable_cohort
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.participation.sweep import standing_of


def _after(page):
    """The id the page starts after, or None for the first page."""
    return page.after[0] if page.after is not None else None


@bp.get("/me")
def me():
    """The token's owner, and which token this is."""
    return jsonify(serialise.me(current_user(), g.api_token))


@bp.get("/cohorts")
@query("limit", "cursor")
def cohorts():
    """The cohorts the caller is an active member of, with their role (oldest membership
    first)."""
    page = page_request()
    rows = cohort_queries.my_cohorts_page(current_user(), after=_after(page),
                                          limit=page.limit + 1)
    items, cursor = page_of_rows(rows, page, key=lambda m: (m.id,))
    return jsonify(listing(items, cursor, serialise.my_cohort))


@bp.get("/cohorts/<slug>")
def cohort(slug):
    """A public cohort, or a private one the caller is a member of (the web's cohort page)."""
    row, membership = readable_cohort(slug, current_user())
    return jsonify(serialise.cohort(row, membership))


@bp.get("/cohorts/<slug>/members")
@query("limit", "cursor")
def members(slug):
    """Everyone in the cohort (removed members too) with their misses, whether the next
    sweep removes them, and how much homework they handed in. Staff only; three queries
    a page, however many members."""
    cohort, _membership = cohort_for(slug, current_user(), "track_homework")
    page = page_request()
    rows = cohort_queries.members_page(cohort, after=_after(page), limit=page.limit + 1)
    items, cursor = page_of_rows(rows, page, key=lambda m: (m.id,))
    standing = standing_of(cohort, items)
    submitted = cohort_queries.homework_counts(cohort, [m.user_id for m in items])
    return jsonify(listing(items, cursor, lambda m: serialise.member(
        m, *standing[m.user_id], submitted.get(m.user_id, 0))))
