from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from learnclub.web.forms import Form


class ApplicationForm(Form):
    motivation = TextAreaField(_l("Why do you want to join?"))
    background = TextAreaField(_l("Your background: what you do, what you have tried"))


class DecisionForm(Form):
    message = TextAreaField(_l("Message to the applicant (optional)"))


class BulkDecisionForm(Form):
    message = TextAreaField(_l("One message to everyone selected (optional)"))


class MarkForm(Form):
    """Staff's score and tags on one application (the fields are read by the domain)."""


#: a question's kind -> its name on the questions page
KIND_LABELS = {"short": _l("Short text"), "long": _l("Long text"),
               "single": _l("Single choice"), "multiple": _l("Multiple choice")}


class QuestionForm(Form):
    """One of the cohort's own application questions (checked by domain/cohorts/questions.py:
    the kind is not validated here, so a bad one gets the domain's message)."""

    kind = SelectField(_l("Kind of answer"),
                       choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
                       validate_choice=False)
    prompt = StringField(_l("Question"))
    choices = TextAreaField(_l("Options, one a line (for a choice question)"))
    required = BooleanField(_l("An answer is required"))
