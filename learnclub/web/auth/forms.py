"""Sign-in and account forms. Rules (lengths, formats) are checked by the domain."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField


class SetupForm(FlaskForm):
    email = EmailField(_l("Email"))
    display_name = StringField(_l("Your name"))
    password = PasswordField(_l("Password (8 characters or more)"))


class SignupForm(SetupForm):
    pass


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"))
    password = PasswordField(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("Email"))


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password (8 characters or more)"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"))
    new = PasswordField(_l("New password (8 characters or more)"))


class LogoutForm(FlaskForm):
    pass
