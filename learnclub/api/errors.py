"""One shape for every error the API answers, whatever raised it:
{"error": {"code": "not_found", "message": "…", "field": null}}, in the reader's language."""
from flask import jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from learnclub.api.language import tr
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, NotFound, Throttled

#: HTTP status -> the error code clients branch on
CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "too_many_requests", 500: "server_error"}
#: headers of a werkzeug error that still matter in a JSON answer
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiError(Exception):
    """An answer other than success, raised by the API's views."""

    def __init__(self, status, message, *, code=None, field=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.code = code or CODES.get(status, "error")
        self.headers = headers or {}


def error_response(status, message, *, code=None, field=None, headers=None):
    response = jsonify({"error": {"code": code or CODES.get(status, "error"),
                                  "message": message, "field": field}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def is_api_request():
    """Whether the request is addressed to the API (routed or not): it answers in JSON."""
    return request.path == "/api" or request.path.startswith("/api/")


def _messages():
    return {
        400: tr("The request was not understood."),
        401: tr("Send a personal access token: Authorization: Bearer <token>."),
        403: tr("This token or its owner may not do this."),
        404: tr("There is nothing at this address, or it is not visible to you."),
        405: tr("This address does not accept this method."),
        413: tr("The request is larger than allowed."),
        500: tr("Something broke on our side. The error has been logged; try again in a "
                "minute."),
    }


def http_error(exc):
    """A werkzeug HTTPException (404 of an unknown address, 405, 413, …) in the API's shape."""
    status = exc.code or 500
    headers = {name: value for name, value in exc.get_headers() if name in KEPT_HEADERS}
    message = _messages().get(status) or tr("The request could not be handled.")
    return error_response(status, message, headers=headers)


def domain_error(exc):
    """A rule's refusal: 403, 404, 409 or 422, with the rule's own (translated) message."""
    if isinstance(exc, NotAllowed):
        return error_response(403, exc.message)
    if isinstance(exc, NotFound):
        return error_response(404, exc.message)
    if isinstance(exc, Throttled):
        return error_response(429, exc.message, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, Conflict):
        return error_response(409, exc.message, field=exc.field)
    return error_response(422, exc.message, field=exc.field)


def register(bp):
    """Errors raised in the API's views. Those no view saw (an unknown address or method under
    /api/) reach the app's handler in web/errors.py, which hands them to `http_error`."""
    bp.register_error_handler(ApiError, lambda exc: error_response(
        exc.status, exc.message, code=exc.code, field=exc.field, headers=exc.headers))
    bp.register_error_handler(DomainError, domain_error)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(InternalServerError, lambda exc: error_response(
        500, _messages()[500]))
