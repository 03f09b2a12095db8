"""The JSON API under /api/v1 (docs/rules.md "Interfaces"): personal access tokens, one error
shape, cursor pagination, described by /api/v1/openapi.json. The views call the same domain
functions and ask the same permissions as the web pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from learnclub.api import auth, errors  # noqa: E402

bp.before_request(auth.check_request)
errors.register(bp)


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"  # answers depend on whose token it is
    return response


from learnclub.api import (  # noqa: E402,F401
    cases,
    cohorts,
    deposits,
    homework,
    introductions,
    messages,
    openapi,
    ratings,
    sharing,
)


def init_app(app):
    """Mount the API; CSRF does not apply (no cookie is read, only the Authorization header)."""
    app.register_blueprint(bp)
    app.extensions["csrf"].exempt(bp)
    # Chinese stays readable in the answers (UTF-8, as the Content-Type says), not \uXXXX
    app.json.ensure_ascii = False
