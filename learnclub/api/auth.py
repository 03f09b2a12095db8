"""Who is calling: a personal access token in `Authorization: Bearer …`. Session cookies are
never read here, so a browser cannot be made to call the API on its user's behalf (no CSRF)."""
from flask import current_app, g, request

from learnclub import clock
from learnclub.api.errors import ApiError
from learnclub.api.language import tr
from learnclub.domain.accounts import api_tokens as access_tokens

CHALLENGE = 'Bearer realm="learnclub"'


def public(view):
    """Mark a view that needs no token (the OpenAPI document)."""
    view.api_public = True
    return view


def writes(view):
    """Mark a view that changes something: it needs a token with the "write" scope."""
    view.api_writes = True
    return view


def query(*names):
    """The query parameters a view reads; any other is refused (400), so that a typo such as
    ?limt=5 is an error, not a silently ignored wish."""
    def mark(view):
        view.api_query = names
        return view
    return mark


def check_request():
    """Before every API view: who is calling (g.api_user) unless the view is public, and
    which query parameters they sent."""
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "api_public", False):
        authenticate(view)
    unknown = sorted(set(request.args) - set(getattr(view, "api_query", ())))
    if unknown:
        raise ApiError(400, tr("Unknown parameter: %(name)s.") % {"name": unknown[0]},
                       field=unknown[0])


def authenticate(view):
    """The token's owner in g.api_user: 401 without a live token, 403 for a read-only token
    on a view that writes."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise ApiError(401, tr("Send a personal access token: Authorization: Bearer <token>."),
                       headers={"WWW-Authenticate": CHALLENGE})
    token = access_tokens.authenticate(secret, now=clock.now())
    if token is None:
        raise ApiError(401, tr("This token is unknown or has been revoked."),
                       headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})
    g.api_token, g.api_user = token, token.user
    if getattr(view, "api_writes", False) and token.scope != "write":
        raise ApiError(403, tr("This token may only read. Make a token that may read and "
                               "write to change anything."))


def current_user():
    """The token's owner (set by `authenticate`)."""
    return g.api_user
