"""The announcement, rules and acknowledgment forms; what they must hold is the domain's
(domain/cohorts/announcements.py, rules.py)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from learnclub.web.common import browser_newlines
from learnclub.web.forms import Form


class AnnouncementForm(Form):
    title = StringField(_l("Title"))
    body_md = TextAreaField(_l("Announcement (Markdown)"), filters=[browser_newlines])
    pin = BooleanField(_l("Pin to the top of the cohort page"), default=True)


class RulesForm(Form):
    body_md = TextAreaField(_l("Rules (Markdown)"), filters=[browser_newlines])


class AcknowledgeForm(Form):
    version = HiddenField()


class ButtonForm(Form):
    """Only its CSRF token: for pin and unpin."""
