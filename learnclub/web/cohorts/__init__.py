from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from learnclub.web.cohorts import me, nav, routes, share  # noqa: E402,F401
