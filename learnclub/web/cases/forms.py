"""The case editor's form. Times are typed in the cohort's zone and stored in UTC."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from learnclub.web.common import browser_newlines
from learnclub.web.forms import Form

LOCAL_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CaseForm(Form):
    title = StringField(_l("Title"))
    body_md = TextAreaField(_l("Case text (Markdown)"), filters=[browser_newlines])
    homework_prompt = TextAreaField(_l("Homework prompt"), filters=[browser_newlines])
    tags = StringField(_l("Tags (comma-separated)"))
    #: how it goes out: now, next in the queue, or at the fixed time in publish_at
    publish_mode = RadioField(_l("Goes out"), default="queue", validators=[Optional()],
                              choices=[SelectChoice("now", _l("Publish now")),
                                       SelectChoice("queue", _l("Next in the queue")),
                                       SelectChoice("fixed", _l("At a fixed time"))])
    publish_at = DateTimeLocalField(_l("Publish at (empty: next in the queue)"),
                                    format=LOCAL_FORMAT, validators=[Optional()])
    due_at = DateTimeLocalField(_l("Homework due (empty: by the cohort's rule)"),
                                format=LOCAL_FORMAT, validators=[Optional()])
    #: the host saw who an earlier due time affects and confirms it
    confirm_earlier = BooleanField(_l("Yes, move the due time earlier and mail the learners"))
    #: the host's choice when this case goes out while an earlier case's homework is open
    overlap = RadioField(_l("An earlier case's homework is still open"), default="",
                         validators=[Optional()],
                         choices=[SelectChoice("both", _l("Keep both open: the earlier case "
                                                          "keeps its due time")),
                                  SelectChoice("after", _l("Send this case when the earlier "
                                                           "homework is due"))])
    md_file = FileField(_l("Or load a .md file (the settings at its top, such as title and "
                           "publish time, fill the fields)"))
    #: "no homework due": no window is checked and the case never gives a miss
    no_homework = BooleanField(_l("No homework due (this case never counts as a miss)"))

    def fill_times(self, case, zone):
        """Show the case's own times in the cohort's zone (queued cases show none)."""
        if case.publish_fixed and case.publish_at:
            self.publish_at.data = case.publish_at.astimezone(zone).replace(tzinfo=None)
            self.publish_mode.data = "fixed"
        else:  # not the UTC value the form took from the row
            self.publish_at.data = None
        if case.due_at_fixed:
            self.due_at.data = case.due_at_fixed.astimezone(zone).replace(tzinfo=None)

    def values(self, zone: ZoneInfo, now=None):
        """What the domain takes: text as typed, times made aware in the cohort's zone.
        "Publish now" is `now`; "next in the queue" is no time (a typed time is set aside)."""
        def aware(value):
            return value.replace(tzinfo=zone).astimezone(UTC) if value else None
        publish_at = aware(self.publish_at.data)
        if self.publish_mode.data == "now" and now is not None:
            publish_at = now.replace(second=0, microsecond=0)
        elif self.publish_mode.data == "queue" and self.publish_mode.raw_data:
            publish_at = None
        return {"title": self.title.data or "", "body_md": self.body_md.data or "",
                "homework_prompt": self.homework_prompt.data or "",
                "tags": self.tags.data or "", "publish_at": publish_at,
                "due_at": aware(self.due_at.data), "confirm_earlier": self.confirm_earlier.data,
                "overlap": self.overlap.data or "",
                "no_homework": bool(self.no_homework.data)}


class ImageForm(Form):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP, up to 5 MB)"))
