"""Message catalogs outside a request: mail is written in the recipient's language."""
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALES = ("zh_Hans_CN", "en")
DEFAULT_LOCALE = "zh_Hans_CN"


def normalise_locale(value):
    """Map whatever a browser or profile says to one of LOCALES (or None)."""
    if not value:
        return None
    value = value.replace("-", "_").lower()
    if value.startswith("zh"):
        return "zh_Hans_CN"
    if value.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=8)
def translations_for(locale):
    """gettext-style catalog for a locale; English is the source language."""
    locale = normalise_locale(locale) or DEFAULT_LOCALE
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [locale])
