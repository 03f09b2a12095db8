"""First-host setup, sign-up, sign-in, sign-out, passwords, language."""
from urllib.parse import urlparse

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from learnclub import clock
from learnclub.domain.accounts import auth as accounts
from learnclub.domain.accounts import credentials, profiles
from learnclub.domain.accounts.tokens import peek_token
from learnclub.domain.errors import DomainError, Throttled
from learnclub.i18n import LOCALES
from learnclub.web.auth import bp
from learnclub.web.auth.forms import (
    ChangePasswordForm,
    EndOtherSessionsForm,
    ForgotForm,
    LoginForm,
    LogoutForm,
    ResetForm,
    SetupForm,
    SignupForm,
)
from learnclub.web.common import base_url, client_ip, show_error, tr
from learnclub.web.i18n import COOKIE, select_locale


def _safe_next(default="cohorts.home", target=None):
    target = (request.values.get("next") or "") if target is None else target
    parsed = urlparse(target)
    if target.startswith("/") and not target.startswith("//") and not parsed.netloc:
        return target
    return url_for(default)


def _sign_in(user, remember=False):
    accounts.start_session(user, now=clock.now(), user_agent=request.user_agent.string,
                           remember=remember)
    session.clear()
    login_user(user, remember=remember)


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token):
    """Create the first host account with the link printed on the server's console."""
    if not accounts.setup_needed() or peek_token("setup", token, now=clock.now()) is None:
        return render_template("auth/setup_used.html"), 410
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.complete_setup(token, email=form.email.data,
                                           display_name=form.display_name.data,
                                           password=form.password.data, now=clock.now(), tr=tr)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            _sign_in(user)
            flash(_("Welcome! You are the first host. Create your first cohort."), "success")
            return redirect(url_for("cohorts.new"))
    return render_template("auth/setup.html", form=form)


def _show_errors(form, exc):
    """A refused new account: every field's problem at once (accounts.InvalidAccount)."""
    for problem in getattr(exc, "problems", [exc]):
        show_error(form, problem)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            accounts.request_signup(form.email.data, form.display_name.data, form.password.data,
                                    ip=client_ip(), now=clock.now(), base_url=base_url(),
                                    locale=select_locale(), return_to=_safe_next(), tr=tr)
        except DomainError as exc:
            _show_errors(form, exc)
        else:
            return render_template("auth/check_mail.html", email=form.email.data)
    return render_template("auth/signup.html", form=form, next=request.values.get("next", ""))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """Finish a sign-up from the mailed link (a button, so mail scanners don't use it up)."""
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = accounts.confirm_signup(token, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("auth.login"))
        _sign_in(user)
        flash(_("Your account is ready. Welcome!"), "success")
        return redirect(_safe_next(target=user.return_to))
    if peek_token("signup", token, now=clock.now()) is None:
        flash(_("This link has expired or has already been used."), "error")
        return redirect(url_for("auth.login"))
    return render_template("auth/confirm.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, ip=client_ip(),
                                         now=clock.now(), tr=tr)
        except Throttled as exc:  # the page says what happened and when to try again
            show_error(form, exc)
            page = render_template("auth/login.html", form=form,
                                   next=request.values.get("next", ""))
            return page, 429, {"Retry-After": str(exc.retry_after)}
        except DomainError as exc:
            show_error(form, exc)
        else:
            _sign_in(user, remember=form.remember.data)
            return redirect(_safe_next())
    return render_template("auth/login.html", form=form, next=request.values.get("next", ""))


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        accounts.end_session(current_user.session_key)
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
    return redirect(url_for("cohorts.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data or "", ip=client_ip(), now=clock.now(),
                                        base_url=base_url())
        flash(_("If an account uses this address, a reset link is on its way. It works for one "
                "hour."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token):
    if peek_token("reset", token, now=clock.now()) is None:
        flash(_("This link has expired or has already been used."), "error")
        return redirect(url_for("auth.forgot"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data, now=clock.now(),
                                    revoke_secrets=form.revoke_secrets.data, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            logout_user()
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(current_user, current=form.current.data,
                                             new=form.new.data, keep_key=current_user.session_key,
                                             now=clock.now(),
                                             revoke_secrets=form.revoke_secrets.data, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Password changed. Other devices signed out: %(n)d.", n=ended), "success")
            if form.revoke_secrets.data:
                flash(_("Your API tokens and private calendar links are revoked."), "success")
            return redirect(url_for("profiles.edit"))
    return render_template("auth/change_password.html", form=form)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every other browser and device of this account (and, ticked by default,
    revoke its API tokens and private calendar links)."""
    form = EndOtherSessionsForm()
    if form.validate_on_submit():
        ended = accounts.end_other_sessions(current_user, keep_key=current_user.session_key)
        flash(_("Other devices signed out: %(n)d.", n=ended), "success")
        if form.revoke_secrets.data:
            credentials.revoke_secrets(current_user, now=clock.now())
            flash(_("Your API tokens and private calendar links are revoked."), "success")
    return redirect(url_for("profiles.edit"))


@bp.get("/lang/<locale>")
def set_language(locale):
    """Switch the UI language; remembered in a cookie and, when signed in, on the account."""
    if locale not in LOCALES:
        abort(404)
    if current_user.is_authenticated:
        profiles.set_locale(current_user, locale)
    response = make_response(redirect(_safe_next()))
    response.set_cookie(COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response
