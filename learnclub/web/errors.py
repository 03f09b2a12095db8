"""Friendly error pages in both languages; JSON for JSON clients."""
from urllib.parse import urlsplit

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from learnclub.api.errors import http_error as api_http_error
from learnclub.api.errors import is_api_request
from learnclub.domain.errors import NotAllowed, NotFound


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(code, title, message):
    if _wants_json():
        return jsonify({"error": {"status": code, "message": message}}), code
    return render_template("error.html", code=code, title=title, message=message), code


def _sent_from():
    """The path of the page on this site that a form was posted from, or None."""
    source = urlsplit(request.referrer or "")
    if source.netloc != urlsplit(request.host_url).netloc or not source.path.startswith("/") \
            or source.path.startswith("//"):
        return None
    return source.path + (f"?{source.query}" if source.query else "")


def init_app(app):
    """Answer errors with a page in the reader's language, or JSON (the API's own shape under
    /api/ when no API view saw the request)."""
    app.register_error_handler(CSRFError, _form_expired)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(InternalServerError, _server_error)


def _form_expired(exc):
    back = _sent_from()
    if back and not current_user.is_authenticated and request.blueprint != "auth" \
            and not _wants_json():
        # the session ended while the form was open: sign in, then back to the page,
        # where the editor restores what was typed
        return redirect(url_for("auth.login", next=back))
    return _page(400, _("The form expired"),
                 _("This form was open too long or your session changed. Go back, reload "
                   "the page and send it again; what you typed is kept in the browser."))


def _not_allowed(exc):
    return _page(403, _("Not for you, sorry"), exc.message)


def _not_found(exc):
    return _page(404, _("Not found"), exc.message)


def _http_title(code):
    return {400: _("Bad request"), 403: _("Not for you, sorry"), 404: _("Not found"),
            405: _("Not allowed here"), 413: _("Too large"),
            429: _("Too many requests")}.get(code)


def _http_message(code):
    return {
        400: _("The request was not understood."),
        403: _("You do not have access to this page."),
        404: _("There is nothing at this address. Check the link, or start from the home "
               "page."),
        413: _("The upload is larger than allowed."),
    }.get(code)


def _http(exc):
    if is_api_request():  # no API view saw it (unknown address or method): API's shape
        return api_http_error(exc)
    return _page(exc.code, _http_title(exc.code) or exc.name,
                 _http_message(exc.code) or exc.description)


def _server_error(exc):
    return _page(500, _("Something broke on our side"),
                 _("Nothing you sent was lost by the browser: go back and try again in a "
                   "minute. The error has been logged."))
