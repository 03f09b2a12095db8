"""Weekly guest sharing: the sessions ahead with the talk that holds each, and the numbered
archive (第N期). Anyone with a token reads a public cohort's, members a private one's."""
from flask import jsonify

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query
from learnclub.api.pagination import (
    listing,
    page_of_list,
    page_of_rows,
    page_request,
    time_key,
)
from learnclub.api.visibility import readable_cohort
from learnclub.domain.sharing.calendar import calendar_weeks
from learnclub.domain.sharing.queries import archive_page


@bp.get("/cohorts/<slug>/share-slots")
@query("limit", "cursor")
def share_slots(slug):
    """Sessions not started yet, in time order (cancelled ones too, marked so), each with
    its guest's talk once one is accepted."""
    cohort, _membership = readable_cohort(slug, current_user())
    page = page_request(parts=2)
    weeks = calendar_weeks(cohort, now=clock.now())
    items, cursor = page_of_list(weeks, page,
                                 key=lambda w: (time_key(w.slot.starts_at), w.slot.id))
    return jsonify(listing(items, cursor, serialise.share_slot))


@bp.get("/cohorts/<slug>/archive")
@query("limit", "cursor")
def archive(slug):
    """The numbered sessions, 第1期 first: topic, guest, the guest's title then, date."""
    cohort, _membership = readable_cohort(slug, current_user())
    page = page_request()
    talks = archive_page(cohort, after=page.after[0] if page.after is not None else None,
                         limit=page.limit + 1)
    items, cursor = page_of_rows(talks, page, key=lambda t: (t.number,))
    return jsonify(listing(items, cursor, lambda t: serialise.archive_entry(t, cohort.slug)))
