from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class ApplicationForm(FlaskForm):
    motivation = TextAreaField(_l("Why do you want to join?"))
    background = TextAreaField(_l("Your background: what you do, what you have tried"))


class DecisionForm(FlaskForm):
    message = TextAreaField(_l("Message to the applicant (optional)"))
