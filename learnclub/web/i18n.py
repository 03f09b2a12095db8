"""UI language: chosen by the person (remembered), else the browser's; and local times."""
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import request
from flask_babel import Babel, get_locale
from flask_login import current_user

from learnclub import clock
from learnclub.i18n import DEFAULT_LOCALE, LOCALES, TRANSLATIONS_DIR, normalise_locale

babel = Babel()
COOKIE = "lang"


def select_locale():
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    chosen = normalise_locale(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "zh-Hans", "en"])
    return normalise_locale(best) or DEFAULT_LOCALE


def local_time(value, tz, fmt="medium"):
    """An aware datetime shown in the cohort's zone, in the reader's language."""
    if value is None:
        return ""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = value.astimezone(zone)
    pattern = {"medium": "yyyy-MM-dd HH:mm", "date": "yyyy-MM-dd", "time": "HH:mm"}.get(fmt, fmt)
    return format_datetime(local, pattern, locale=str(get_locale()))


def relative(value, now=None):
    """A short hint like '3 天后' / 'in 3 days'."""
    from babel.dates import format_timedelta
    now = now or clock.now()
    return format_timedelta(value - now, add_direction=True, locale=str(get_locale()))


def init_app(app):
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS_DIR))
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["relative"] = relative

    @app.context_processor
    def _languages():
        return {"LOCALES": LOCALES, "current_locale": str(get_locale())}
