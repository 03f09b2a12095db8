"""Security headers on every answer: CSP without inline script, no framing, no sniffing, no
powerful browser features, and no shared caching of what only a signed-in reader may see."""
from flask import g
from werkzeug.middleware.proxy_fix import ProxyFix

from learnclub.domain.accounts.credentials import REMEMBERED_IDLE

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
#: browser features no page of learnclub uses: refused to every page and every frame
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "serial", "usb", "xr-spatial-tracking"))


def _for_a_signed_in_reader():
    """True if this answer was decided by who asked: the route loaded a signed-in user."""
    user = g.get("_login_user")
    return user is not None and getattr(user, "is_authenticated", False)


def _keep_private(response):
    """A file a member was allowed to fetch (a case image, slides) may be cached by their
    browser, never by a shared cache that would hand it to the next person."""
    if response.cache_control.public and _for_a_signed_in_reader():
        response.cache_control.public = False
        response.cache_control.private = True


def init_app(app):
    # "keep me signed in" lasts no longer in the browser than on the server
    app.config.setdefault("REMEMBER_COOKIE_DURATION", REMEMBERED_IDLE)
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        _keep_private(response)
        return response
