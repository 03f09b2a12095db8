"""自我介绍: the prompt a member meets on joining a cohort (skippable), and the same form from
the profile. The rules are domain/accounts/introductions.py."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import introductions
from learnclub.domain.errors import DomainError
from learnclub.web.common import base_url, cohort_for, show_error, tr
from learnclub.web.profiles import bp
from learnclub.web.profiles.forms import IntroductionForm


def _form():
    """The form, filled with what the member wrote before when first shown."""
    form = IntroductionForm()
    if not form.is_submitted():
        tags = introductions.tags_of(current_user)
        form.introduction.data = current_user.introduction
        form.offer.data = introductions.tags_text(tags.offer)
        form.seek.data = introductions.tags_text(tags.seek)
    return form


def _save(form):
    """Save a valid post; True if saved (else the form shows the error)."""
    if not form.validate_on_submit():
        return False
    try:
        introductions.save_introduction(
            current_user, introduction=form.introduction.data or "",
            offer=form.offer.data or "", seek=form.seek.data or "", now=clock.now(),
            base_url=base_url(), tr=tr)
    except DomainError as exc:
        show_error(form, exc)
        return False
    flash(_("Thank you! Your introduction is in the member list."), "success")
    return True


@bp.route("/c/<slug>/introduce", methods=["GET", "POST"])
@login_required
def introduce(slug):
    """The 自我介绍 prompt after joining: write it (then meet the members) or skip it."""
    cohort = cohort_for(slug, "view_members")
    form = _form()
    if _save(form):
        return redirect(url_for("cohorts.members", slug=slug) + "#suggestions")
    return render_template("profiles/introduce.html", form=form, cohort=cohort,
                           introduced=introductions.is_introduced(current_user))


@bp.route("/profile/introduction", methods=["GET", "POST"])
@login_required
def introduction():
    """The same introduction, from one's profile."""
    form = _form()
    if _save(form):
        return redirect(url_for("profiles.show", user_id=current_user.id))
    return render_template("profiles/introduce.html", form=form, cohort=None,
                           introduced=introductions.is_introduced(current_user))
