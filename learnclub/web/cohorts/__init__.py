from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from learnclub.web.cohorts import routes  # noqa: E402,F401
