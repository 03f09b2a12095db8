"""The base of every form: flask_wtf's FlaskForm (CSRF, the request's data), with wtforms'
own messages ("This field is required.") in the reader's language, their catalogue read
from disk once a process per language; flask_wtf reads it again on every request that
builds a form (about 0.2 ms)."""
import functools

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))


@functools.lru_cache(maxsize=16)
def _wtforms_messages(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
