from flask import Blueprint

bp = Blueprint("cases", __name__)

from learnclub.web.cases import content_folder, editor, member_cases, routes  # noqa: E402,F401
