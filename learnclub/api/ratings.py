"""Ratings after a session (domain/sharing/ratings.py): what a reader may see of a held
talk's ratings, as the rule `ratings_seen_by` decides it (staff with names, the speaker
without, anyone else only their own), and rating it through the same `rate_talk` as the
web's form."""
from flask import jsonify

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, writes
from learnclub.api.bodies import json_object, score_field, text_field
from learnclub.api.language import tr
from learnclub.api.pagination import listing
from learnclub.api.visibility import not_found, readable_cohort, visible_cohort
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import ratings


def held_talk(cohort, talk_id):
    """The cohort's talk with this id if it was held (ratings are about held talks), else 404
    (as the web's rating pages)."""
    talk = sharing_queries.held_talk_in(cohort, talk_id)
    if talk is None:
        raise not_found()
    return talk


@bp.get("/cohorts/<slug>/talks/ratable")
def ratable_talks(slug):
    """The held talks the caller may rate now, newest session first (the archive page's
    list): a few at most, the rating window being short, so one page."""
    user = current_user()
    cohort, _membership = readable_cohort(slug, user)
    talks = ratings.ratable_talks(cohort, user, now=clock.now())
    return jsonify(listing(talks, None, serialise.ratable_talk))


def _ratings_view(cohort, membership, talk_id):
    user = current_user()
    talk = held_talk(cohort, talk_id)
    now = clock.now()
    verdict = ratings.may_rate(user, talk, now, membership=membership)
    seen = ratings.ratings_seen_by(user, talk, cohort, membership)
    summary = lines = None
    if seen is not None:
        summary = ratings.summaries([talk.id])[talk.id]
        lines = ratings.feedback([talk.id], with_raters=seen == ratings.RatingsView.NAMED)[
            talk.id]
    return serialise.talk_ratings(
        talk, may_rate=bool(verdict), reason=verdict.reason,
        reason_words=None if verdict else ratings.reason_words(verdict.reason, tr=tr),
        closes=ratings.rating_closes(talk), mine=ratings.own_rating(talk, user),
        seen=seen, summary=summary, lines=lines)


@bp.get("/cohorts/<slug>/talks/<int:talk_id>/ratings")
def talk_ratings(slug, talk_id):
    """A held talk's ratings as the caller may see them: whether they may rate it (or why
    not) and their own rating; the average, count and lines for its speaker (no names);
    every rating with its rater for staff. Fixed queries, however many ratings."""
    cohort, membership = visible_cohort(slug, current_user())
    return jsonify(_ratings_view(cohort, membership, talk_id))


@bp.put("/cohorts/<slug>/talks/<int:talk_id>/ratings/mine")
@writes
def rate_talk(slug, talk_id):
    """Rate a held talk (201) or change one's rating (200): 1–5 and an optional line, under
    the web's rule (present at the session, not the speaker, within the window); a refusal
    (403 with the rule's reason, 422 for the score or line) changes nothing."""
    user = current_user()
    cohort, _membership = visible_cohort(slug, user)
    talk = held_talk(cohort, talk_id)
    data = json_object()
    score = score_field(data, "score", tr("The score must be a whole number from 1 to 5."))
    line = text_field(data, "line")
    before = ratings.own_rating(talk, user)
    rating = ratings.rate_talk(talk, user, score=score, line=line, now=clock.now(), tr=tr)
    return jsonify(serialise.own_rating(rating)), 200 if before is not None else 201
