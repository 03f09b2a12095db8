"""My API tokens (/me/tokens): the live ones, making one (its secret shown once, on the page
that answers the form, never stored in the cookie session) and revoking one."""
from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import api_tokens as access_tokens
from learnclub.domain.accounts import queries as account_queries
from learnclub.domain.accounts.profiles import zones_of
from learnclub.domain.errors import DomainError
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import show_error, tr
from learnclub.web.tokens import bp
from learnclub.web.tokens.forms import TokenForm


def scope_words():
    return {"read": _("Read only"), "write": _("Read and write")}


def _render(form, status=200):
    zone = zones_of([current_user.id], current_app.config["DEFAULT_TIMEZONE"])[current_user.id]
    return render_template("tokens/index.html", form=form, plain=PlainForm(),
                           tokens=access_tokens.tokens_of(current_user),
                           zone=zone, scopes=scope_words()), status


@bp.get("/me/tokens")
@login_required
def index():
    """My live tokens, and the form to make one."""
    return _render(TokenForm())


@bp.post("/me/tokens")
@login_required
def create():
    """Make a token and show its secret this once (the page is not cached)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _render(form, 422)
    try:
        token, secret = access_tokens.create_token(current_user, name=form.name.data or "",
                                                   scope=form.scope.data, now=clock.now(),
                                                   tr=tr)
    except DomainError as exc:
        show_error(form, exc)
        return _render(form, 422)
    response = make_response(render_template("tokens/created.html", token=token, secret=secret,
                                             scopes=scope_words()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    """Revoke one of my tokens; programs using it get 401 from now on."""
    token = account_queries.own_token(current_user, token_id)
    if token is None:
        abort(404)
    if PlainForm().validate_on_submit():
        try:
            access_tokens.revoke_token(token, actor=current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Token “%(name)s” revoked; it no longer works.", name=token.name),
                  "success")
    return redirect(url_for("tokens.index"))
