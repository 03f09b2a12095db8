"""The archive of guest sharing (往期分享): the numbered sessions, each session's page with
its transcript, recording and slides, and a guest's sessions. Public for public cohorts."""
from flask import abort, render_template, request
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import photos
from learnclub.domain.accounts import queries as account_queries
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.sharing import proposals as guest_proposals
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import ratings
from learnclub.domain.sharing import review as sharing_review
from learnclub.domain.sharing import slides as talk_files
from learnclub.domain.sharing.archive import archive as archive_entries
from learnclub.domain.sharing.archive import guest_sessions
from learnclub.web.common import cohort_or_404, tr
from learnclub.web.sharing import bp
from learnclub.web.sharing.forms import RatingForm
from learnclub.web.stored_files import send_stored


def readable_cohort(slug):
    """(cohort, is_member, is_staff) if the archive is open to the reader: anyone for a
    public cohort, members otherwise (403 for outsiders, sign-in first for visitors)."""
    cohort = cohort_or_404(slug)
    membership = access.membership_of(current_user, cohort)
    if not access.may_read_sharing(current_user, cohort, membership):
        access.require(current_user, "view_cohort_pages", cohort, tr=tr)  # says why not
    return (cohort, access.can(current_user, "view_cohort_pages", cohort, membership),
            access.can(current_user, "manage_sharing", cohort, membership))


def numbered_talk(cohort, number):
    talk = sharing_queries.numbered_talk(cohort, number)
    if talk is None:
        abort(404)
    return talk


@bp.get("/c/<slug>/archive")
def archive(slug):
    """期, date, topic, guest and the guest's title then; `?guest=<id>` shows one guest's."""
    cohort, member, staff = readable_cohort(slug)
    entries = archive_entries(cohort)
    to_rate = ratings.ratable_talks(cohort, current_user, now=clock.now()) if member else []
    guest_id = request.args.get("guest", type=int)
    if guest_id is not None:
        entries = [e for e in entries if e.guest.id == guest_id]
    profiles = sharing_review.visible_profiles(current_user, {e.guest.id for e in entries})
    return render_template("sharing/archive.html", cohort=cohort, entries=entries,
                           profiles=profiles, guest_id=guest_id, is_member=member,
                           is_staff=staff, to_rate=to_rate,
                           visitor_proposals=guest_proposals.proposals_open(cohort))


@bp.get("/c/<slug>/archive/<int:number>")
def session(slug, number):
    """One session: the transcript rendered, the recording link, the slides."""
    cohort, member, staff = readable_cohort(slug)
    talk = numbered_talk(cohort, number)
    return render_template(
        "sharing/session.html", cohort=cohort, talk=talk, is_member=member, is_staff=staff,
        profiles=sharing_review.visible_profiles(current_user, {talk.guest_id}),
        has_slides=talk_files.has_slides(talk), has_photo=photos.has_photo(talk.guest),
        **session_rating(talk, staff))


def rating_form(talk):
    """The rating form, filled with the reader's earlier rating if any."""
    mine = ratings.own_rating(talk, current_user)
    return RatingForm(data={"score": str(mine.score), "line": mine.line} if mine else None)


def session_rating(talk, staff):
    """What a held session's page adds: the rating form for those who may rate (the rule:
    ratings.may_rate), the average and count for staff."""
    may = ratings.may_rate(current_user, talk, clock.now())
    return {"rating_form": rating_form(talk) if may else None,
            "rating_closes": ratings.rating_closes(talk), "scores": ratings.SCORES,
            "rating_summary": ratings.summaries([talk.id])[talk.id] if staff else None}


@bp.get("/c/<slug>/archive/<int:number>/photo.jpg")
def guest_photo(slug, number):
    """The session's guest's photo, to whoever may read the session (public cohorts: all)."""
    cohort, _member, _staff = readable_cohort(slug)
    return send_stored(photos.photo_of(numbered_talk(cohort, number).guest),
                       public=cohort.is_public)


@bp.get("/c/<slug>/archive/<int:number>/slides.pdf")
def slides_file(slug, number):
    """The session's slides, served as the PDF they were checked to be."""
    cohort, _member, _staff = readable_cohort(slug)
    talk = numbered_talk(cohort, number)
    return send_stored(talk_files.slides_of(talk), download_name=f"{cohort.slug}-{number}.pdf",
                       public=cohort.is_public)


@bp.get("/u/<int:user_id>/talks")
@login_required
def user_talks(user_id):
    """A guest's sessions, for people who may see their profile (and themselves)."""
    user = account_queries.user_by_id(user_id)
    if user is None or user.id not in sharing_review.visible_profiles(current_user, {user_id}):
        abort(404)
    mine = cohort_queries.active_cohort_ids(current_user)
    return render_template("sharing/user_talks.html", user=user,
                           entries=guest_sessions(user, viewer_cohorts=mine))
