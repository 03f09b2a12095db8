from flask import Blueprint

bp = Blueprint("tracking", __name__)

from learnclub.web.tracking import routes  # noqa: E402,F401
