from flask import Blueprint

bp = Blueprint("homework", __name__)

from learnclub.web.homework import routes  # noqa: E402,F401
