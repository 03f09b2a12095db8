"""Announcements (公告) and the cohort's rules (群规): posting, pinning, reading with read
receipts; writing the rules, acknowledging them, and the banner until one does."""
from flask import Blueprint

bp = Blueprint("announcements", __name__)

from learnclub.web.announcements import banner, routes, rules  # noqa: E402,F401
