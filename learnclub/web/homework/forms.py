from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


def _newlines(text):
    """Browsers send a textarea's line breaks as CRLF: keep the text as typed, with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


class HomeworkForm(FlaskForm):
    body_md = TextAreaField(_l("Your homework (Markdown)"), filters=[_newlines])


class CommentForm(FlaskForm):
    body_md = TextAreaField(_l("Comment"), filters=[_newlines])
    parent_id = HiddenField()
