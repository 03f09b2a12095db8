import logging

from flask import Blueprint, current_app, request

bp = Blueprint("auth", __name__)
log = logging.getLogger("learnclub.web.auth")
WARNED = "learnclub.forwarded_for_warned"


@bp.before_app_request
def _warn_untrusted_forwarded_for():
    """Once per app (process): X-Forwarded-For arrives but LEARNCLUB_TRUST_PROXY is off, so every
    visitor behind the proxy shares its address (and its sign-in and mail limits)."""
    if current_app.extensions.get(WARNED) or current_app.config.get("TRUST_PROXY"):
        return
    if "X-Forwarded-For" in request.headers:
        current_app.extensions[WARNED] = True
        log.warning("A request came with X-Forwarded-For but LEARNCLUB_TRUST_PROXY is not set: "
                    "every visitor behind the proxy counts as %s for sign-in and mail limits. "
                    "Behind a reverse proxy, set LEARNCLUB_TRUST_PROXY=1.", request.remote_addr)


from learnclub.web.auth import routes  # noqa: E402,F401
