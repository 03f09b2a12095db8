from flask import Blueprint

bp = Blueprint("sharing", __name__)

from learnclub.web.sharing import archive, guest, ratings, review, visitor  # noqa: E402,F401
