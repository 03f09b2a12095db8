from flask import Blueprint

bp = Blueprint("homework", __name__)

from learnclub.web.homework import routes, talk  # noqa: E402,F401
