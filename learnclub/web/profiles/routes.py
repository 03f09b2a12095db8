"""Editing one's own profile and reading a fellow member's."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub.domain.accounts import profiles
from learnclub.domain.accounts import queries as account_queries
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.web.auth.forms import EndOtherSessionsForm
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import show_error, tr
from learnclub.web.profiles import bp
from learnclub.web.profiles.forms import PhotoForm, ProfileForm


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or ""
                  for name in (*profiles.PROFILE_FIELDS, "group_nickname")}
        try:
            profiles.update_profile(current_user, values, tr=tr)
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
    return render_template("profiles/show.html", user=user,
                           cohorts=cohort_queries.active_memberships_of(user))
