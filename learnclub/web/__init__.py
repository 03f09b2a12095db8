"""The web interface: blueprints per area, plus what every page shares."""
import functools

from flask import redirect, url_for
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from markupsafe import Markup

from learnclub import clock
from learnclub.domain.accounts import auth as accounts
from learnclub.domain.rendering import case_files_base, render_markdown
from learnclub.outbound import mail as mailer
from learnclub.web import assets, avatars

login_manager = LoginManager()
csrf = CSRFProtect()


@login_manager.user_loader
def _load_user(session_key):
    return accounts.load_session(session_key, now=clock.now())


def init_app(app):
    """Wire sign-in, CSRF, languages, headers, errors and every blueprint into the app."""
    _init_sign_in(app)
    csrf.init_app(app)
    _init_every_page(app)
    _register_areas(app)
    _add_template_filters(app)
    _add_favicon(app)
    assets.init_app(app)
    mailer.warn_if_local_sender(app.config.get("MAIL_URL"), app.config.get("MAIL_FROM", ""))


def _init_sign_in(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"


def _init_every_page(app):
    """The reader's language, the security headers and the error pages."""
    from learnclub.web import errors, i18n, security

    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def _register_areas(app):
    """Every area's pages: one blueprint each."""
    from learnclub.web import (
        admin,
        admission,
        announcements,
        auth,
        calendar,
        cases,
        cohorts,
        deposits,
        homework,
        integrations,
        messages,
        notifications,
        participation,
        profiles,
        search,
        sharing,
        tokens,
        tracking,
    )

    for area in (auth, cohorts, admission, profiles, cases, homework, tracking, participation,
                 admin, calendar, sharing, search, notifications, integrations, tokens, messages,
                 announcements, deposits):
        app.register_blueprint(area.bp)


def _add_template_filters(app):
    app.jinja_env.filters["markdown"] = _markdown_filter
    app.jinja_env.filters["case_markdown"] = _case_markdown_filter
    app.jinja_env.globals["avatar"] = avatars.avatar_html
    app.jinja_env.globals["prose"] = _prose


def _add_favicon(app):
    app.add_url_rule("/favicon.ico", "favicon",
                     lambda: redirect(url_for("static", filename="favicon.svg"), 301))


def _markdown_filter(text, anchors=""):
    """{{ text|markdown }}: Markdown rendered and sanitised by the domain's one renderer.
    Where several documents share a page, give each its ids' prefix, made from a row id:
    {{ s.body_md|markdown(anchors='s%d:'|format(s.id)) }}."""
    return Markup(render_markdown(text, anchor_prefix=anchors))


def _prose(row, anchors):
    """{{ prose(s, 's%d:'|format(s.id)) }}: homework or a comment as HTML, the sanitised HTML
    stored when it was written (domain/rendering.py), or, for a row written before that,
    rendered now with `anchors` as its ids' prefix. A function, not a macro: a page calls it
    once a card and once a comment."""
    html = row.body_html
    if html is None:
        html = render_markdown(row.body_md, anchor_prefix=anchors)
    return Markup(f'<div class="prose">{html}</div>')


def _case_markdown_filter(text, cohort, case):
    """A host's case: sanitised HTML allowed, relative images served with the case. The HTML
    stored with the case when written (Case.body_html), unless it has none yet or this site
    serves the case's files elsewhere (a path prefix): then rendered here, once per text."""
    base = url_for("cases.file", slug=cohort.slug, case_id=case.id, name="")
    stored = getattr(case, "body_html", None)
    if stored is not None and text == case.body_md \
            and base == case_files_base(cohort.slug, case.id):
        return Markup(stored)
    return Markup(_case_html(text, base))


@functools.lru_cache(maxsize=32)
def _case_html(text, files_base):
    """A case's HTML where none is stored for this address, made once per text and address
    in this process (a pure function of them)."""
    return render_markdown(text, files_base=files_base, allow_html=True)
