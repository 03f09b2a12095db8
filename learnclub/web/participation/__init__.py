from flask import Blueprint

bp = Blueprint("participation", __name__)

from learnclub.web.participation import audit, learner, leaving, routes  # noqa: E402,F401
