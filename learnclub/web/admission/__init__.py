from flask import Blueprint

bp = Blueprint("admission", __name__)

from learnclub.web.admission import routes  # noqa: E402,F401
