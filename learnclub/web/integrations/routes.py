"""A cohort's chat-group robots (hosts and assistants): the list with its delivery log,
adding, editing and deleting a robot, and a test message delivered by the job."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError
from learnclub.domain.reach import chat_hooks, queries
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, show_error, tr
from learnclub.web.integrations import bp
from learnclub.web.integrations.forms import HookForm
from learnclub.web.integrations.words import (
    EVENT_WORDS,
    STATE_WORDS,
    event_name,
    kind_name,
    masked_url,
)

bp.add_app_template_filter(masked_url, "masked_url")
bp.add_app_template_filter(event_name, "hook_event")
bp.add_app_template_filter(kind_name, "hook_kind")


def _hook(cohort, hook_id):
    hook = queries.hook_of(cohort, hook_id)
    if hook is None:
        abort(404)
    return hook


def _back(slug, anchor=""):
    return redirect(url_for("integrations.index", slug=slug) + anchor)


@bp.get("/c/<slug>/integrations")
@login_required
def index(slug):
    """The cohort's robots (addresses masked) and what was posted through them lately."""
    cohort = cohort_for(slug, "edit_cohort")
    deliveries = [(message, queries.delivery_state(message))
                  for message in queries.deliveries_of(cohort)]
    return render_template("integrations/index.html", cohort=cohort, is_staff=True,
                           hooks=queries.hooks_of(cohort), deliveries=deliveries,
                           state_words=STATE_WORDS, plain=PlainForm())


def _form_page(cohort, form, hook=None):
    return render_template("integrations/form.html", cohort=cohort, is_staff=True, form=form,
                           hook=hook, event_words=EVENT_WORDS,
                           signed_kinds=chat_hooks.SIGNED_KINDS)


def _allow_private():
    """May robots point into the private network (LEARNCLUB_CHAT_ALLOW_PRIVATE=1)?"""
    return bool(current_app.config.get("CHAT_ALLOW_PRIVATE"))


@bp.route("/c/<slug>/integrations/new", methods=["GET", "POST"])
@login_required
def new(slug):
    """Add a robot: the group gets the events ticked, nothing else."""
    cohort = cohort_for(slug, "edit_cohort")
    form = HookForm()
    if request.method == "GET":
        form.events.data = [e for e in chat_hooks.EVENTS
                            if e not in chat_hooks.OFF_BY_DEFAULT]
    if form.validate_on_submit():
        try:
            hook = chat_hooks.add_hook(cohort, actor=current_user, now=clock.now(), tr=tr,
                                       allow_private=_allow_private(), **form.values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Robot “%(label)s” added. Send it a test message to check the address.",
                    label=hook.label), "success")
            return _back(slug, f"#hook-{hook.id}")
    return _form_page(cohort, form)


@bp.route("/c/<slug>/integrations/<int:hook_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, hook_id):
    """Change a robot; an empty secret field keeps the stored secret."""
    cohort = cohort_for(slug, "edit_cohort")
    hook = _hook(cohort, hook_id)
    form = HookForm(obj=hook) if request.method == "GET" else HookForm()
    if request.method == "GET":
        form.events.data, form.secret.data = hook.event_list, ""
    if form.validate_on_submit():
        try:
            chat_hooks.update_hook(hook, actor=current_user, now=clock.now(), tr=tr,
                                   allow_private=_allow_private(), **form.values(editing=True))
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Robot “%(label)s” saved.", label=hook.label), "success")
            return _back(slug, f"#hook-{hook.id}")
    return _form_page(cohort, form, hook)


@bp.post("/c/<slug>/integrations/<int:hook_id>/delete")
@login_required
def delete(slug, hook_id):
    """Delete a robot; posts still waiting for it go with it."""
    cohort = cohort_for(slug, "edit_cohort")
    hook = _hook(cohort, hook_id)
    if PlainForm().validate_on_submit():
        try:
            chat_hooks.delete_hook(hook, actor=current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Robot “%(label)s” deleted.", label=hook.label), "success")
    return _back(slug)


@bp.post("/c/<slug>/integrations/<int:hook_id>/test")
@login_required
def send_test(slug, hook_id):
    """Queue a test message; the job delivers it (never this request)."""
    cohort = cohort_for(slug, "edit_cohort")
    hook = _hook(cohort, hook_id)
    if PlainForm().validate_on_submit():
        try:
            chat_hooks.send_test_post(hook, actor=current_user, now=clock.now(),
                                      base_url=base_url(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Test message for “%(label)s” queued: it arrives in the group within a "
                    "minute. The log below shows when it was sent.", label=hook.label),
                  "success")
    return _back(slug, "#deliveries")
