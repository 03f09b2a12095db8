from flask import Blueprint

bp = Blueprint("cases", __name__)

from learnclub.web.cases import editor, routes  # noqa: E402,F401
