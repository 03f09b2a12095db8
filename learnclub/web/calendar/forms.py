"""Slot forms: times are typed in the cohort's zone; the views make them aware."""
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField
from wtforms.validators import InputRequired, Optional

from learnclub.web.cases.forms import LOCAL_FORMAT
from learnclub.web.forms import Form


class SlotForm(Form):
    """A one-off session, or a session's new time; empty length keeps the usual length."""

    starts_at = DateTimeLocalField(_l("Starts at"), format=LOCAL_FORMAT, validators=[
        InputRequired(message=_l("Enter the day and time the session starts."))])
    minutes = IntegerField(_l("Length in minutes"), validators=[Optional()])
