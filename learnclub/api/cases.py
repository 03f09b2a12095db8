"""Cases as members read them: the published ones with their homework window; staff who
manage cases also see the ones scheduled ahead, and any case by its id."""
from flask import jsonify

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query
from learnclub.api.pagination import listing, page_of_list, page_request, time_key
from learnclub.api.visibility import case_in, cohort_for
from learnclub.domain.cases.queries import slot_of, visible_slots
from learnclub.domain.cases.schedule import window_state


def _key(slot):
    return (time_key(slot.publish_at), slot.case.id)


@bp.get("/cohorts/<slug>/cases")
@query("limit", "cursor")
def cases(slug):
    """Cases in publication order (oldest first): those out for members, every scheduled
    one too for staff. Archived cases are not listed."""
    user = current_user()
    cohort, membership = cohort_for(slug, user, "view_cohort_pages")
    page = page_request(parts=2)
    now = clock.now()
    slots = visible_slots(cohort, user, now=now, membership=membership)
    items, cursor = page_of_list(slots, page, key=_key)
    return jsonify(listing(items, cursor, lambda s: serialise.case_summary(
        s, window_state(s, now), cohort.slug)))


@bp.get("/cohorts/<slug>/cases/<int:case_id>")
def case(slug, case_id):
    """One case: its Markdown and sanitised HTML, prompt, times and homework window."""
    user = current_user()
    cohort, membership = cohort_for(slug, user, "view_cohort_pages")
    now = clock.now()
    found = case_in(cohort, case_id, user, now=now, membership=membership)
    slot = slot_of(found)
    state = window_state(slot, now) if slot else "archived"
    return jsonify(serialise.case_detail(found, slot, state, cohort.slug))
