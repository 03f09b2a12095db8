"""Mail settings: how each kind of mail comes (right away, daily digest, off), and the
one-click unsubscribe link every mail carries."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from learnclub.web.notifications import routes  # noqa: E402,F401
