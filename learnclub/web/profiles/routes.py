"""Editing one's own profile and reading a fellow member's."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub.domain.accounts import profiles
from learnclub.domain.errors import DomainError
from learnclub.models import Cohort, LoginSession, Membership, User
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
    other_sessions = LoginSession.select().where(LoginSession.user == current_user.id).count() - 1
    return render_template("profiles/edit.html", form=form, other_sessions=other_sessions,
                           plain=PlainForm(), photo_form=PhotoForm())


def shares_a_cohort(viewer, user_id):
    mine = Membership.select(Membership.cohort).where(
        (Membership.user == viewer.id) & (Membership.status == "active"))
    return Membership.select().where((Membership.user == user_id)
                                     & (Membership.cohort.in_(mine))).exists()


@bp.get("/u/<int:user_id>")
@login_required
def show(user_id):
    """A member's profile, for people who share an active cohort with them (and themselves)."""
    user = User.get_or_none(User.id == user_id)
    if user is None or (user.id != current_user.id and not shares_a_cohort(current_user, user_id)):
        abort(404)
    cohorts = list(Membership.select(Membership, Cohort).join(Cohort)
                   .where((Membership.user == user) & (Membership.status == "active")))
    return render_template("profiles/show.html", user=user, cohorts=cohorts)
