"""Participation forms. Dates and times are typed in the cohort's zone; the domain and the
views make them aware."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from learnclub.web.cases.forms import LOCAL_FORMAT
from learnclub.web.forms import Form


class RangeLeaveForm(Form):
    """A learner asks to be excused from every case due within some days."""

    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"))


class PauseForm(Form):
    paused = HiddenField()  #: "1" to pause, anything else to resume: a resend changes nothing


class ReadmitForm(Form):
    reason = TextAreaField(_l("Reason"))
    reset_misses = BooleanField(_l("Reset their misses"))


class ExcuseForm(Form):
    """Choices are filled by the page; the view loads the learner and case in the cohort."""

    user_id = SelectField(_l("Learner"), coerce=int, validate_choice=False)
    case_id = SelectField(_l("Case"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason"))


class ExtensionForm(Form):
    user_id = SelectField(_l("Learner"), coerce=int, validate_choice=False)
    case_id = SelectField(_l("Case"), coerce=int, validate_choice=False)
    until = DateTimeLocalField(_l("More time until"), format=LOCAL_FORMAT, validators=[
        InputRequired(message=_l("Enter the day and time the extra time ends."))])


class SeatAnswerForm(Form):
    accept = SubmitField(_l("Accept the seat"))
    decline = SubmitField(_l("Decline"))


class RemoveMemberForm(Form):
    """A host removes a member by hand; the page fills the choices."""

    user_id = SelectField(_l("Member"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(message=_l("Say why: the member reads it in their notice."))])


class LeaveCohortForm(Form):
    reason = TextAreaField(_l("Reason (optional)"))
