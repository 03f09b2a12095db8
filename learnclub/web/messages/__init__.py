"""消息: the signed-in person's messages in the app, newest first, read and unread."""
from flask import Blueprint

bp = Blueprint("messages", __name__)

from learnclub.web.messages import routes  # noqa: E402,F401
