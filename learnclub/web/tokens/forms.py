"""Making a personal access token for the API."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice

from learnclub.web.forms import Form


class TokenForm(Form):
    name = StringField(_l("Name"))
    # the domain checks the choice (access_tokens.SCOPES), with its own message
    scope = RadioField(_l("What it may do"), default="read", validate_choice=False,
                       choices=[SelectChoice("read", _l("Read only")),
                                SelectChoice("write", _l("Read and write"))])
