"""The mail settings page and the one-click unsubscribe page behind every mail's link."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts.profiles import masked_email
from learnclub.domain.errors import DomainError
from learnclub.domain.reach import mail_footer
from learnclub.domain.reach import preferences as mail_preferences
from learnclub.web import csrf
from learnclub.web.common import show_error, tr
from learnclub.web.notifications import bp
from learnclub.web.notifications.forms import ALL_TEXT, KIND_TEXT, PreferencesForm


@bp.route("/me/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """How each kind of mail comes: right away, in the daily digest, or not at all."""
    form = PreferencesForm(data=mail_preferences.preferences_of(current_user))
    if form.validate_on_submit():
        modes = {kind: getattr(form, kind).data for kind in mail_preferences.KINDS}
        try:
            mail_preferences.set_preferences(current_user, modes, now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Mail settings saved."), "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, kinds=KIND_TEXT)


def _reader(token):
    """(user, kind) behind the link; a forged or dead link is a 404 page naming the problem."""
    return mail_footer.read_unsubscribe_token(token, secret=current_app.config["SECRET_KEY"],
                                              tr=tr)


def _kind_name(kind):
    return ALL_TEXT if kind == mail_preferences.ALL else KIND_TEXT[kind][0]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients post here (RFC 8058)
def unsubscribe(token):
    """GET asks (mail scanners open links: a GET never changes anything); POST turns the
    kind off, no sign-in needed, and offers to undo; POST with `undo` restores the modes."""
    user, kind = _reader(token)
    page = {"user": user, "kind": kind, "kind_name": _kind_name(kind), "token": token,
            "address": masked_email(user.email)}  # whoever holds the link: not the address
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", state="ask",
                               already=mail_preferences.is_off(user, kind), **page)
    if request.form.get("undo"):
        modes = {k: request.form.get(k, mail_preferences.DEFAULT_MODE)
                 for k in mail_preferences.kinds_named(kind)}
        try:
            mail_preferences.set_preferences(user, modes, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Undone: these mails come again as before."), "success")
        return redirect(url_for("notifications.unsubscribe", token=token))
    before = mail_preferences.unsubscribe(user, kind, now=clock.now(), tr=tr)
    return render_template("notifications/unsubscribe.html", state="done", before=before,
                           **page)
