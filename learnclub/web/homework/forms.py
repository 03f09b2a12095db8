from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, TextAreaField

from learnclub.web.common import browser_newlines as _newlines
from learnclub.web.forms import Form


class HomeworkForm(Form):
    body_md = TextAreaField(_l("Your homework (Markdown)"), filters=[_newlines])
    images = MultipleFileField(_l("Pictures"))  #: kept pending until submitted (images.py)


class CommentForm(Form):
    body_md = TextAreaField(_l("Comment"), filters=[_newlines])
    parent_id = HiddenField()


class LeaveForm(Form):
    """On the case page: a learner asks to be excused (请假) from this case."""

    reason = TextAreaField(_l("Reason"))
