"""The language of the API's messages: the token owner's choice, else Accept-Language."""
from flask import g, request

from learnclub.i18n import DEFAULT_LOCALE, normalise_locale, translations_for


def api_locale():
    user = g.get("api_user")
    chosen = normalise_locale(user.locale) if user is not None else None
    if chosen:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "zh-Hans", "en"])
    return normalise_locale(best) or DEFAULT_LOCALE


def tr(message):
    """Translate a message id (the domain's or the API's own) for this request's reader."""
    return translations_for(api_locale()).gettext(message)
