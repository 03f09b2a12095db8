from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField


class HomeworkForm(FlaskForm):
    body_md = TextAreaField(_l("Your homework (Markdown)"))


class CommentForm(FlaskForm):
    body_md = TextAreaField(_l("Comment"))
    parent_id = HiddenField()
