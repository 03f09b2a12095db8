"""The mail settings form: one row of three choices per kind of mail."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from learnclub.web.forms import Form

MODE_CHOICES = [SelectChoice("instant", _l("Right away")),
                SelectChoice("daily", _l("Daily digest")), SelectChoice("off", _l("Off"))]

#: kind -> (name, what it covers), in the order of mail_preferences.KINDS
KIND_TEXT = {
    "new_case": (_l("New cases"), _l("A mail when a new case comes out in your cohort. As a "
                                     "guest, you get it only if you turn it on here.")),
    "reminders": (_l("Homework reminders"),
                  _l("Before homework is due, only if you have not written yet.")),
    "feedback": (_l("Responses to my homework"),
                 _l("Comments, replies, feedback from hosts and featured picks (精选) on your "
                    "homework, gathered into one mail.")),
    "sharing": (_l("Guest sharing reminders"),
                _l("On the day of the weekly guest sharing, before your own talk, and when a "
                   "session is cancelled.")),
    "digests": (_l("Summaries for hosts"),
                _l("For hosts: who a participation sweep removed, and a warning when the case "
                   "queue is running dry.")),
    "announcements": (_l("Announcements"),
                      _l("Announcements (公告) the hosts post in your cohort. They also stay "
                         "pinned on the cohort page and in your messages.")),
}
#: what an unsubscribe link for "all" turns off
ALL_TEXT = _l("All mails that can be turned off")


def _choice(kind):
    # the domain checks the value and says what is wrong, in the person's language
    return RadioField(KIND_TEXT[kind][0], choices=MODE_CHOICES, validate_choice=False)


class PreferencesForm(Form):
    new_case = _choice("new_case")
    reminders = _choice("reminders")
    feedback = _choice("feedback")
    sharing = _choice("sharing")
    digests = _choice("digests")
    announcements = _choice("announcements")
