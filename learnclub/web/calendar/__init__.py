from flask import Blueprint

bp = Blueprint("calendar", __name__)

from learnclub.web.calendar import routes, slots  # noqa: E402,F401
