from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ApplicationForm(FlaskForm):
    motivation = TextAreaField(_l("Why do you want to join?"))
    background = TextAreaField(_l("Your background: what you do, what you have tried"))


class DecisionForm(FlaskForm):
    message = TextAreaField(_l("Message to the applicant (optional)"))


class BulkDecisionForm(FlaskForm):
    message = TextAreaField(_l("One message to everyone selected (optional)"))


class MarkForm(FlaskForm):
    """Staff's score and tags on one application (the fields are read by the domain)."""
