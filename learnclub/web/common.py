"""Small helpers every blueprint's views share."""
from flask import abort, current_app, request

from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.web.i18n import word


def tr(message):
    """Translate a domain message id in the current request's language (i18n.word)."""
    return word(message)


def show_error(form, exc: DomainError):
    """Attach a domain error to the form field it names, or to the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = list(field.errors or []) + [exc.message]
    else:
        form.form_errors.append(exc.message)


def cohort_or_404(slug):
    cohort = cohort_queries.cohort_by_slug(slug)
    if cohort is None:
        abort(404)
    return cohort


def cohort_for(slug, action):
    """The cohort at this address, if the signed-in person may take `action` there (else the
    403 page that explains, or 404). The membership it read is the menus' too (one read)."""
    from flask_login import current_user

    from learnclub.domain.cohorts import access
    from learnclub.web.cohorts import nav
    cohort = cohort_or_404(slug)
    nav.viewer_membership(cohort, access.require(current_user, action, cohort, tr=tr))
    return cohort


def base_url():
    return current_app.config["BASE_URL"]


def client_ip():
    return request.remote_addr or "unknown"


def browser_newlines(text):
    """Form filter: browsers send a textarea's line breaks as CRLF; keep the text as typed."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text
