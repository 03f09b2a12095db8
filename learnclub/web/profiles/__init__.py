from flask import Blueprint

bp = Blueprint("profiles", __name__)

from learnclub.web.profiles import photos, routes  # noqa: E402,F401
