from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"))
    group_nickname = StringField(_l("Group nickname (群昵称)"))
    city = StringField(_l("City"))
    industry = StringField(_l("Industry"))
    company_title = StringField(_l("Company and title"))
    offer = TextAreaField(_l("What I can offer"))
    looking_for = TextAreaField(_l("What I'm looking for"))
    intro_md = TextAreaField(_l("Short introduction (Markdown)"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 5 MB)"))
