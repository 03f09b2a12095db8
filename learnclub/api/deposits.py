"""Deposits (押金, domain/participation/deposit.py), read-only: a learner's own standing as
their cohort page tells it (`own_standing`), and the staff's deposit book with the refund
list's columns (`deposit_book`). Recording a deposit stays on the website."""
from flask import jsonify

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user
from learnclub.api.visibility import cohort_for, not_found
from learnclub.domain.participation.deposit import cohort_end, deposit_book, own_standing


@bp.get("/cohorts/<slug>/deposit/mine")
def my_deposit(slug):
    """The caller's deposit and where it stands under the cohort's rule; 404 where their
    cohort page says nothing of a deposit (not a learner, none asked and none recorded)."""
    cohort, membership = cohort_for(slug, current_user(), "view_cohort_pages")
    standing = own_standing(cohort, membership, clock.now())
    if standing is None:
        raise not_found()
    return jsonify(serialise.own_deposit(cohort, standing, cohort_end(cohort)))


@bp.get("/cohorts/<slug>/deposits")
def deposits(slug):
    """Every learner's deposit (removed ones too) with its standing, and the totals: the
    staff's deposits page and its CSV refund list. Fixed queries, however many learners."""
    cohort, _membership = cohort_for(slug, current_user(), "manage_deposits")
    return jsonify(serialise.deposit_book(cohort, deposit_book(cohort, clock.now())))
