"""Forms of guest sharing: proposing and editing a talk, the host's decisions, the archive."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from learnclub.web.common import browser_newlines
from learnclub.web.forms import Form


class TalkForm(Form):
    """The talk's text: what the guest types when proposing and when editing."""

    topic = StringField(_l("Topic"))
    abstract = TextAreaField(_l("Abstract (Markdown)"), filters=[browser_newlines])
    title = StringField(_l("Company and title"))
    bio = TextAreaField(_l("Short introduction (Markdown)"), filters=[browser_newlines])

    def values(self):
        return {"topic": self.topic.data or "", "abstract": self.abstract.data or "",
                "title": self.title.data or "", "bio": self.bio.data or ""}


class ProposeForm(TalkForm):
    """A new talk with one to three preferred weeks, in order."""

    week1 = SelectField(_l("First choice"), validate_choice=False)
    week2 = SelectField(_l("Second choice (optional)"), validate_choice=False)
    week3 = SelectField(_l("Third choice (optional)"), validate_choice=False)

    def set_weeks(self, choices):
        """`choices` are (slot id, label) of open weeks; the later choices may stay empty."""
        self.week1.choices = [("", _l("Choose a week"))] + choices
        self.week2.choices = self.week3.choices = [("", _l("No other week"))] + choices

    def preferred(self):
        """The chosen slot ids, in order; empty choices are skipped."""
        return [int(w.data) for w in (self.week1, self.week2, self.week3)
                if (w.data or "").isdigit()]


class AcceptForm(Form):
    slot_id = HiddenField()


class TranscriptForm(Form):
    transcript_md = TextAreaField(_l("Transcript (Markdown)"), filters=[browser_newlines])
    recording_url = StringField(_l("Recording link (optional)"))


class SlidesForm(Form):
    slides = FileField(_l("Slides (PDF, up to 10 MB)"))


class RatingForm(Form):
    """A member's rating of a held session: a score 1–5 (radio buttons, checked by the
    domain, which says what is wrong with 0, 6 or "abc") and one line."""

    score = StringField(_l("Your score"))
    line = StringField(_l("One line (optional)"))


class NoteForm(Form):
    """Staff's private note on a held talk."""

    below_bar = BooleanField(_l("Below the bar"))
    note = TextAreaField(_l("Private note (only staff see it)"), filters=[browser_newlines])
