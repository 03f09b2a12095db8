"""What every text a person types must satisfy. Text is stored exactly as typed, or refused."""
from urllib.parse import urlsplit

from learnclub.domain.errors import DomainError, untranslated

SHORT = 300
LONG = 20_000


def check_text(value, *, field, label, max_length=SHORT, required=False, tr=untranslated):
    """Return `value` unchanged if it is acceptable; raise DomainError naming the field otherwise.

    `tr` translates the message into the reader's language (the label comes translated).
    """
    value = value if value is not None else ""
    if "\x00" in value:
        raise DomainError(tr("%(label)s contains a NUL character, which cannot be stored.")
                          % {"label": label}, field=field)
    if required and not value.strip():
        raise DomainError(tr("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise DomainError(tr("%(label)s is %(n)d characters long; the limit is %(max)d.")
                          % {"label": label, "n": len(value), "max": max_length}, field=field)
    return value


def is_web_address(url):
    """True for an http(s) address with a host (and a port, if any, that is a number);
    False for anything else, including what urllib cannot even parse ("http://[")."""
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # .port raises on a port that is no number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)
