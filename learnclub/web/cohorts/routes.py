"""Cohorts: home, creating and editing, the public page, the member directory, roles, invites."""
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import introductions, matching, profiles
from learnclub.domain.cases import sync as content_sync
from learnclub.domain.cohorts import access, admission
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.cohorts import settings as cohorts
from learnclub.domain.cohorts.todo import cohort_todo, home_todos
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import rule as sharing_rule
from learnclub.domain.sharing import talks as sharing
from learnclub.web.announcements.banner import pinned_for_home
from learnclub.web.cohorts import bp
from learnclub.web.cohorts.forms import CohortForm, InviteForm, NewCohortForm, PlainForm, RoleForm
from learnclub.web.cohorts.rule_preview import flash_moved, rule_preview
from learnclub.web.cohorts.share import about_context, invite_kit, page_kit
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr
from learnclub.web.deposits.words import member_deposit
from learnclub.web.participation.status import miss_status


@bp.get("/")
def home():
    """Signed in: what to do now (domain/cohorts/todo.py), led by the one cohort's to-do or a
    summary card per cohort; then my cohorts and the public ones anyone may apply to."""
    mine = todos = []
    misses = None
    if current_user.is_authenticated:
        mine = cohort_queries.memberships_of(current_user)
        todos = home_todos(current_user, now=clock.now())
        if len(todos) == 1 and todos[0].role == "learner":
            misses = miss_status(todos[0].cohort, current_user)
    return render_template("cohorts/home.html", mine=mine, todos=todos, misses=misses,
                           public=cohort_queries.public_cohorts(limit=50))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.may_create_cohorts:
        abort(403)
    form = NewCohortForm()
    if request.method == "GET":
        form.process(data=cohorts.default_settings())
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(form.slug.data, form.settings(), actor=current_user,
                                           now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            _import_cases(cohort)
            # its weeks show at once, not when the hourly job next runs
            sharing.generate_slots(cohort, now=clock.now())
            flash(_("Cohort created. Share its page so people can apply."), "success")
            return redirect(url_for("cohorts.page", slug=cohort.slug))
    return render_template("cohorts/new.html", form=form,
                           suggestions=content_folders_without_cohort())


def _import_cases(cohort):
    """A new cohort whose address has a folder in content/ starts with those cases."""
    folder = Path(current_app.config["CONTENT_DIR"]) / cohort.slug
    if folder.is_dir():
        report = content_sync.sync_cohort(cohort, folder, now=clock.now(),
                                          by=content_sync.SyncBy.WEB, actor=current_user)
        if report.created:
            flash(ngettext("%(num)d case imported from content/%(slug)s/.",
                           "%(num)d cases imported from content/%(slug)s/.",
                           len(report.created), slug=cohort.slug), "success")


def content_folders_without_cohort():
    """Folder names in content/ that no cohort uses yet: suggestions for a new cohort."""
    return sorted(content_sync.waiting_folders(current_app.config["CONTENT_DIR"]))


@bp.get("/c/<slug>/")
def page(slug):
    """The cohort's page: public to anyone if the cohort is public, else to members."""
    cohort = cohort_or_404(slug)
    membership = access.membership_of(current_user, cohort)
    is_member = access.can(current_user, "view_cohort_pages", cohort, membership)
    if not cohort.is_public and not is_member:
        access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    application = todo = misses = None
    pinned = []
    if is_member:
        todo = cohort_todo(cohort, current_user, now=clock.now(), membership=membership)
        pinned = pinned_for_home(cohort, membership)
    if is_member and membership.is_active_learner:
        misses = miss_status(cohort, current_user)
    deposit = member_deposit(cohort, membership if is_member else None, clock.now())
    if current_user.is_authenticated and not is_member:
        application = cohort_queries.application_of(cohort, current_user)
    return render_template(
        "cohorts/page.html", cohort=cohort, membership=membership, is_member=is_member,
        application=application, todo=todo, misses=misses, pinned=pinned,
        seats_taken=admission.seats_taken(cohort), page_kit=page_kit(cohort),
        is_staff=access.can(current_user, "edit_cohort", cohort, membership),
        **deposit, **about_context(cohort, membership))


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug):
    """Save the settings; a new weekly sharing rule first shows which weeks move (a second
    submit with `confirm_rule` saves and moves them)."""
    cohort = cohort_for(slug, "edit_cohort")
    form = CohortForm(obj=cohort)
    preview = None
    if form.validate_on_submit():
        values = form.settings()
        moves_weeks = sharing_rule.rule_changes(cohort, values)
        preview = rule_preview(cohort, values) if moves_weeks else None
        if preview is None or request.form.get("confirm_rule"):
            try:
                changed = cohorts.update_cohort(cohort, values, actor=current_user,
                                                now=clock.now(), tr=tr)
            except DomainError as exc:
                show_error(form, exc)
            else:
                flash(_("Settings saved.") if changed else _("Nothing changed."), "success")
                if moves_weeks:
                    plan = sharing_rule.apply_weekly_rule(cohort, actor=current_user,
                                                          now=clock.now())
                    sharing_rule.mail_moved_proposals(cohort, plan, base_url=base_url(),
                                                      now=clock.now())
                    flash_moved(cohort, plan)
                return redirect(url_for("cohorts.settings", slug=slug))
    return render_template("cohorts/settings.html", cohort=cohort, form=form,
                           preview=preview,
                           can_delete=access.can(current_user, "delete_cohort", cohort))


@bp.get("/c/<slug>/members")
@login_required
def members(slug):
    """The member directory, filterable by city, industry and free text."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_members", cohort, tr=tr)
    city, industry, text = (request.args.get(k, "")[:300] for k in ("city", "industry", "q"))
    rows = profiles.directory(cohort, city=city, industry=industry, text=text)
    cities, industries = profiles.directory_facets(cohort)
    tags = matching.cohort_tags(cohort)
    return render_template("cohorts/members.html", cohort=cohort, rows=rows, city=city,
                           industry=industry, q=text, cities=cities, industries=industries,
                           tags=tags, suggested=matching.suggestions(cohort, current_user,
                                                                     tags=tags),
                           introduced=introductions.is_introduced(current_user),
                           can_change_roles=access.can(current_user, "change_roles", cohort,
                                                       membership),
                           role_form=RoleForm(),
                           is_staff=access.can(current_user, "edit_cohort", cohort, membership))


@bp.post("/c/<slug>/members/<int:user_id>/role")
@login_required
def change_role(slug, user_id):
    cohort = cohort_for(slug, "change_roles")
    target = cohort_queries.member_of(cohort, user_id)
    if target is None:
        abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            cohorts.change_role(target, form.role.data, actor=current_user, now=clock.now(),
                                tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Role changed."), "success")
    return redirect(url_for("cohorts.members", slug=slug))


@bp.route("/c/<slug>/invites", methods=["GET", "POST"])
@login_required
def invites(slug):
    cohort = cohort_for(slug, "manage_invites")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            admission.create_invite(cohort, actor=current_user, now=clock.now(),
                                    days_valid=form.days_valid.data, max_uses=form.max_uses.data,
                                    role=form.role.data, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Invite link created."), "success")
            return redirect(url_for("cohorts.invites", slug=slug))
    rows = cohort_queries.invites_of(cohort)
    kits = {i.id: invite_kit(cohort, i) for i in rows
            if admission.invite_is_live(i, now=clock.now())}
    return render_template("cohorts/invites.html", cohort=cohort, form=form, rows=rows,
                           kits=kits, now=clock.now(), plain=PlainForm())


@bp.post("/c/<slug>/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(slug, invite_id):
    cohort = cohort_for(slug, "manage_invites")
    invite = cohort_queries.invite_in(cohort, invite_id)
    if invite is None:
        abort(404)
    if PlainForm().validate_on_submit():
        admission.revoke_invite(invite, now=clock.now(), actor=current_user)
        flash(_("Invite link revoked: it no longer works."), "success")
    return redirect(url_for("cohorts.invites", slug=slug))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token):
    """An invite link: sign in (or up), then join with one button."""
    invite = admission.live_invite(token, now=clock.now())
    if invite is None:
        return render_template("cohorts/invite_dead.html"), 410
    about = about_context(invite.cohort, None)
    if not current_user.is_authenticated:
        return render_template("cohorts/join.html", invite=invite, cohort=invite.cohort,
                               form=PlainForm(), **about)
    form = PlainForm()
    if form.validate_on_submit():
        try:
            cohort = admission.join_by_invite(token, current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Welcome to %(name)s!", name=cohort.name), "success")
            # the 自我介绍 prompt first (skippable); the cohort's to-do asks until it is written
            return redirect(url_for("profiles.introduce", slug=cohort.slug))
    return render_template("cohorts/join.html", invite=invite, cohort=invite.cohort, form=form,
                           **about)


@bp.route("/c/<slug>/delete", methods=["GET", "POST"])
@login_required
def delete(slug):
    """Delete a cohort (hosts only), after typing its address to confirm."""
    cohort = cohort_for(slug, "delete_cohort")
    form = PlainForm()
    if form.validate_on_submit():
        if request.form.get("confirm_slug") != cohort.slug:
            flash(_("Type the cohort's address exactly to confirm."), "error")
        else:
            cohorts.delete_cohort(cohort, actor=current_user)
            flash(_("Cohort deleted."), "success")
            return redirect(url_for("cohorts.home"))
    return render_template("cohorts/delete.html", cohort=cohort, form=form)
