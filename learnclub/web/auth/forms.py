"""Sign-in and account forms. Rules (lengths, formats) are checked by the domain."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField

from learnclub.web.forms import Form


class SetupForm(Form):
    email = EmailField(_l("Email"))
    display_name = StringField(_l("Your name"))
    password = PasswordField(_l("Password (8 characters or more)"))


class SignupForm(SetupForm):
    pass


class LoginForm(Form):
    email = EmailField(_l("Email"))
    password = PasswordField(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotForm(Form):
    email = EmailField(_l("Email"))


#: offered, ticked, wherever a password changes or other devices are signed out
REVOKE_LABEL = _l("Also revoke my API tokens and private calendar links")


class ResetForm(Form):
    password = PasswordField(_l("New password (8 characters or more)"))
    revoke_secrets = BooleanField(REVOKE_LABEL, default=True)


class ChangePasswordForm(Form):
    current = PasswordField(_l("Current password"))
    new = PasswordField(_l("New password (8 characters or more)"))
    revoke_secrets = BooleanField(REVOKE_LABEL, default=True)


class EndOtherSessionsForm(Form):
    revoke_secrets = BooleanField(REVOKE_LABEL, default=True)


class LogoutForm(Form):
    pass
