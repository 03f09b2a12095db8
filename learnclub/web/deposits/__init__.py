from flask import Blueprint

bp = Blueprint("deposits", __name__)

from learnclub.web.deposits import routes  # noqa: E402,F401
