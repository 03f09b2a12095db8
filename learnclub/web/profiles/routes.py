"""Editing one's own profile and reading a fellow member's."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import introductions, mention_contacts, profiles
from learnclub.domain.accounts import queries as account_queries
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import ratings as speaker_ratings
from learnclub.web.auth.forms import EndOtherSessionsForm
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import show_error, tr
from learnclub.web.profiles import bp
from learnclub.web.profiles.forms import PhotoForm, ProfileForm


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.mention_consent.data = current_user.mention_consent_at is not None
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or ""
                  for name in (*profiles.PROFILE_FIELDS, "group_nickname")}
        contacts = {"phone": form.mention_phone.data or "",
                    "feishu_user_id": form.feishu_user_id.data or ""}
        try:  # every field checked before anything is saved
            mention_contacts.check_mention_contacts(**contacts, tr=tr)
            profiles.update_profile(current_user, values, tr=tr)
            mention_contacts.set_mention_contacts(
                current_user, **contacts, consent=bool(form.mention_consent.data),
                now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("profiles.show", user_id=current_user.id))
    return render_template("profiles/edit.html", form=form,
                           other_sessions=account_queries.other_session_count(current_user),
                           plain=PlainForm(), photo_form=PhotoForm(),
                           sessions_form=EndOtherSessionsForm())


def profile_or_404(user_id):
    """The account whose profile this is, if the reader may open it: they share an active
    cohort with it, or it is their own (else 404)."""
    user = account_queries.user_by_id(user_id)
    if user is None or (user.id != current_user.id
                        and not account_queries.shares_a_cohort(current_user, user_id)):
        abort(404)
    return user


@bp.get("/u/<int:user_id>")
@login_required
def show(user_id):
    """A member's profile, for people who share an active cohort with them (and themselves)."""
    user = profile_or_404(user_id)
    return render_template("profiles/show.html", user=user, tags=introductions.tags_of(user),
                           cohorts=cohort_queries.active_memberships_of(user),
                           show_contacts=account_queries.may_see_mention_contacts(
                               current_user, user.id),
                           speaker_record=speaker_ratings.speaker_record(
                               user, speaker_ratings.staff_cohorts(current_user)))
