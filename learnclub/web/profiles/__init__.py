from flask import Blueprint

bp = Blueprint("profiles", __name__)

from learnclub.web.profiles import introductions, photos, routes  # noqa: E402,F401
