"""The announcement, rules and acknowledgment forms; what they must hold is the domain's
(domain/cohorts/announcements.py, rules.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from learnclub.web.common import browser_newlines


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"))
    body_md = TextAreaField(_l("Announcement (Markdown)"), filters=[browser_newlines])
    pin = BooleanField(_l("Pin to the top of the cohort page"), default=True)


class RulesForm(FlaskForm):
    body_md = TextAreaField(_l("Rules (Markdown)"), filters=[browser_newlines])


class AcknowledgeForm(FlaskForm):
    version = HiddenField()


class ButtonForm(FlaskForm):
    """Only its CSRF token: for pin and unpin."""
