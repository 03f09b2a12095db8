"""UI language: chosen by the person (remembered), else the browser's; and local times."""
from flask import g, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user

from learnclub import clock, dates
from learnclub.dates import say_when
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


def catalogue():
    """The request's translations, found once a request (the locale is chosen once a request
    too): flask_babel looks them up through its context on every word, about 8 µs, and a
    page says a hundred words."""
    found = g.get("_catalogue")
    if found is None:
        found = g._catalogue = get_translations()
    return found


def later(message):
    """A word marked for translation (pybabel finds it) where it is written in a table, and
    said later in the reader's language (word)."""
    return message


def word(message):
    """gettext(message) through the request's catalogue: for the many fixed words of a
    page built in Python (a menu's labels); %(…)s variables are left as they are."""
    return catalogue().ugettext(message)


def ngettext_each(singular, plural, numbers):
    """{n: ngettext(singular, plural, n)} for each of `numbers` (`%(num)d` filled in), the
    catalogue found once: a page of cards says each one's length."""
    say = catalogue().ungettext
    return {n: say(singular, plural, n) % {"num": n} for n in numbers}


def local_time(value, tz, fmt="medium"):
    """An aware datetime shown in the cohort's zone, in the reader's language, in the one
    date style of learnclub.dates: 「12月13日 周日 20:00」 / "Sun 13 Dec, 20:00"."""
    return say_when(value, tz, str(get_locale()), now=clock.now(), style=fmt)


def local_times(tz):
    """local_time (the "medium" style) for the many times of one page, each day's words
    made once (dates.say_times)."""
    return dates.say_times(tz, str(get_locale()), now=clock.now())


def when(value, tz, distance=True):
    """A time people act on, whole: 「12月13日 周日 20:00（北京时间）· 9 天后」."""
    return say_when(value, tz, str(get_locale()), now=clock.now(), with_zone=True,
                    with_distance=distance)


def relative(value, now=None):
    """A short hint like '9 天后' / 'in 9 days'."""
    return dates.distance(value, now or clock.now(), str(get_locale()))


def span_words(days):
    """A length in words: 「3.5 天」「5 小时」, never 「0.0 天」."""
    return dates.span(days, str(get_locale()))


def zone_name(tz):
    """The cohort's zone as people name it: 北京时间 / Beijing time."""
    return dates.zone_name(tz, str(get_locale()))


def init_app(app):
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS_DIR))
    app.jinja_env.install_gettext_callables(  # as flask_babel's, the catalogue found once
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n), newstyle=True)
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["relative"] = relative
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["zone_name"] = zone_name
    app.jinja_env.filters["span"] = span_words

    @app.context_processor
    def _languages():
        return {"LOCALES": LOCALES, "current_locale": str(get_locale())}
