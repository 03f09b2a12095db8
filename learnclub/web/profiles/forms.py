from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField

from learnclub.web.forms import Form


class ProfileForm(Form):
    display_name = StringField(_l("Name"))
    group_nickname = StringField(_l("Group nickname (群昵称)"))
    city = StringField(_l("City"))
    industry = StringField(_l("Industry"))
    company_title = StringField(_l("Company and title"))
    offer = TextAreaField(_l("What I can offer"))
    looking_for = TextAreaField(_l("What I'm looking for"))
    intro_md = TextAreaField(_l("Short introduction (Markdown)"))
    # private, for chat-group robot mentions only (domain/accounts/mention_contacts.py)
    mention_phone = StringField(_l("Mobile number"))
    feishu_user_id = StringField(_l("Feishu user ID"))
    mention_consent = BooleanField(_l("Let the group robots @-mention me with this number "
                                      "or Feishu ID"))


class PhotoForm(Form):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, up to 5 MB)"))


class IntroductionForm(Form):
    """自我介绍: one paragraph and two lists of tags (domain/accounts/introductions.py)."""

    introduction = TextAreaField(_l("Introduction"))
    offer = StringField(_l("I can offer"))
    seek = StringField(_l("I'm looking for"))
