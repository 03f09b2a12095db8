from flask import Blueprint

bp = Blueprint("integrations", __name__)

from learnclub.web.integrations import guide, routes  # noqa: E402,F401
