"""Cohort settings and invite forms. Ranges and how settings fit together: domain/cohorts.py."""
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from learnclub.web.forms import Form


def options(*pairs):
    return [SelectChoice(value, label) for value, label in pairs]


WEEKDAYS = options((0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")),
                   (3, _l("Thursday")), (4, _l("Friday")), (5, _l("Saturday")),
                   (6, _l("Sunday")))
_NUMBER = [InputRequired(message=_l("Enter a whole number."))]
_STOP_PERCENT = _l("Safety stop: most learners one check may remove (percent of active learners)")
_STOP_COUNT = _l("Safety stop: most learners one check may remove (people)")


_DEPOSIT_PERCENT = _l("Deposit: share of counted cases handed in on time (%)")


class YuanField(StringField):
    """An amount typed in yuan ("199.50"), its data in fen (19950); None if not an amount,
    with the message the domain gives (domain/participation/deposit_records.parse_yuan)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        from learnclub.domain.errors import DomainError
        from learnclub.domain.participation.deposit_records import parse_yuan
        from learnclub.web.common import tr
        self.raw_text = valuelist[0]
        try:
            self.data = parse_yuan(valuelist[0], field=self.name, tr=tr)
        except DomainError as exc:
            self.data = None
            raise ValueError(str(exc)) from exc

    def _value(self):
        from learnclub.domain.participation.deposit_records import yuan
        if getattr(self, "raw_text", None) is not None:
            return self.raw_text
        return yuan(self.data) if isinstance(self.data, int) else ""


def _timezones():
    return [SelectChoice(tz) for tz in sorted(available_timezones()) if "/" in tz or tz == "UTC"]


class CohortForm(Form):
    name = StringField(_l("Cohort name"))
    description_md = TextAreaField(_l("Description (Markdown)"))
    timezone = SelectField(_l("Time zone"), choices=[], validate_choice=False)
    language = SelectField(_l("Language of chat-group posts"), choices=options(
        ("zh_Hans_CN", "简体中文"), ("en", "English")), validate_choice=False)
    capacity = IntegerField(_l("Seats for learners"), validators=_NUMBER)
    admission = SelectField(_l("How people get in"), choices=options(
        ("application", _l("They apply, a host reviews")), ("invite", _l("Invite links only"))),
        validate_choice=False)
    waitlist_enabled = BooleanField(_l("Keep a waitlist when full"))
    cadence_min_days = IntegerField(_l("Minimum days between cases"), validators=_NUMBER)
    cadence_target_days = IntegerField(_l("Target days between cases"), validators=_NUMBER)
    cadence_max_days = IntegerField(_l("Maximum days between cases"), validators=_NUMBER)
    homework_due_hours = IntegerField(_l("Homework due after publication (hours)"),
                                      validators=_NUMBER)
    homework_grace_hours = IntegerField(_l("Grace for late homework (hours)"), validators=_NUMBER)
    #: not sent (an older form): the cohort keeps its value
    min_window_hours = IntegerField(_l("Shortest homework window that can count as a miss "
                                       "(hours)"), default=24, validators=[Optional()])
    strike_limit = IntegerField(_l("Misses before a learner is asked to leave"),
                                validators=_NUMBER)
    #: the safety stop on mass removal; not sent (an older form): the cohort keeps its value
    removal_stop_percent = IntegerField(
        _STOP_PERCENT, default=20, validators=[Optional()],
        invalid_value_message=_l("%(label)s: enter a whole number from %(low)d to %(high)d.",
                                 label=_STOP_PERCENT, low=1, high=100))
    removal_stop_count = IntegerField(
        _STOP_COUNT, default=5, validators=[Optional()],
        invalid_value_message=_l("%(label)s: enter a whole number from %(low)d to %(high)d.",
                                 label=_STOP_COUNT, low=1, high=10_000))
    excused_per_learner = IntegerField(_l("Excused absences per learner"), validators=_NUMBER)
    reminder_hours = StringField(_l("Reminders, hours before due (comma-separated)"))
    sharing_weekday = SelectField(_l("Weekly sharing day"), choices=WEEKDAYS, coerce=int,
                                  validate_choice=False)
    sharing_time = StringField(_l("Weekly sharing time (HH:MM)"))
    sharing_minutes = IntegerField(_l("Sharing length (minutes)"), validators=_NUMBER)
    sharing_weeks_ahead = IntegerField(_l("Weeks of sharing slots ahead"), validators=_NUMBER)
    is_public = BooleanField(_l("Public page and archive"))
    guest_proposals_public = BooleanField(
        _l("Visitors may propose a talk (you approve them as guests)"))
    homework_min_length = IntegerField(
        _l("Minimum homework length (characters or words; 0 = none)"), validators=_NUMBER)
    points_enabled = BooleanField(_l("Points and leaderboard"))
    points_on_time = IntegerField(_l("Points for homework on time"), validators=_NUMBER)
    points_late = IntegerField(_l("Points for late homework"), validators=_NUMBER)
    points_featured = IntegerField(_l("Points for featured homework"), validators=_NUMBER)
    points_comment = IntegerField(_l("Points per comment"), validators=_NUMBER)
    points_comment_cap = IntegerField(_l("Comment points per case at most"), validators=_NUMBER)
    points_guest_share = IntegerField(_l("Points for a guest share"), validators=_NUMBER)
    peer_visibility = SelectField(_l("Peers' homework is visible"), choices=options(
        ("after_submission", _l("after one's own submission")),
        ("after_due", _l("after the due time")), ("always", _l("always"))),
        validate_choice=False)

    #: the deposit (押金, docs/rules.md "Deposit"); not sent (an older form): kept as it is
    last_day = DateField(_l("Last day of the cohort (the deposit rule is decided after it)"),
                         validators=[Optional()])
    deposit_fen = YuanField(_l("Deposit per member (yuan; 0 = none)"), default=0,
                            validators=[Optional()])
    deposit_currency = StringField(_l("Currency"), default="CNY")
    deposit_percent = IntegerField(
        _DEPOSIT_PERCENT, default=80, validators=[Optional()],
        invalid_value_message=_l("%(label)s: enter a whole number from %(low)d to %(high)d.",
                                 label=_DEPOSIT_PERCENT, low=1, high=100))
    deposit_removal_forfeits = BooleanField(_l("A member the rule removes forfeits the deposit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = _timezones()

    def settings(self):
        from learnclub.domain.cohorts.settings import SETTING_FIELDS
        return {name: getattr(self, name).data for name in SETTING_FIELDS}


class NewCohortForm(CohortForm):
    slug = StringField(_l("Web address (lowercase letters, digits, dashes)"))


class InviteForm(Form):
    days_valid = IntegerField(_l("Valid for (days)"), default=7, validators=_NUMBER)
    max_uses = IntegerField(_l("Maximum uses (empty: unlimited)"), validators=[Optional()])
    role = SelectField(_l("Joins as"), choices=options(
        ("learner", _l("learner")), ("assistant", _l("assistant")), ("guest", _l("guest"))),
        validate_choice=False)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=options(
        ("host", _l("host")), ("assistant", _l("assistant")), ("learner", _l("learner")),
        ("guest", _l("guest"))), validate_choice=False)


class PlainForm(Form):
    """A form with only its CSRF token: for buttons that post."""
