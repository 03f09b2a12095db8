"""The case editor's form. Times are typed in the cohort's zone and stored in UTC."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import Optional

from learnclub.web.common import browser_newlines

LOCAL_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CaseForm(FlaskForm):
    title = StringField(_l("Title"))
    body_md = TextAreaField(_l("Case text (Markdown)"), filters=[browser_newlines])
    homework_prompt = TextAreaField(_l("Homework prompt"), filters=[browser_newlines])
    tags = StringField(_l("Tags (comma-separated)"))
    publish_at = DateTimeLocalField(_l("Publish at (empty: next in the queue)"),
                                    format=LOCAL_FORMAT, validators=[Optional()])
    due_at = DateTimeLocalField(_l("Homework due (empty: by the cohort's rule)"),
                                format=LOCAL_FORMAT, validators=[Optional()])
    md_file = FileField(_l("Or load a .md file (front matter fills the fields)"))

    def fill_times(self, case, zone):
        """Show the case's own times in the cohort's zone (queued cases show none)."""
        if case.publish_fixed and case.publish_at:
            self.publish_at.data = case.publish_at.astimezone(zone).replace(tzinfo=None)
        if case.due_at_fixed:
            self.due_at.data = case.due_at_fixed.astimezone(zone).replace(tzinfo=None)

    def values(self, zone: ZoneInfo):
        """What the domain takes: text as typed, times made aware in the cohort's zone."""
        def aware(value):
            return value.replace(tzinfo=zone).astimezone(UTC) if value else None
        return {"title": self.title.data or "", "body_md": self.body_md.data or "",
                "homework_prompt": self.homework_prompt.data or "",
                "tags": self.tags.data or "", "publish_at": aware(self.publish_at.data),
                "due_at": aware(self.due_at.data)}


class ImageForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP, up to 5 MB)"))
