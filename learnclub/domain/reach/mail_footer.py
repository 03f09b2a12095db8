"""The footer and headers added to a mail when it is sent (never stored in the outbox):
a signed one-click unsubscribe link (RFC 8058) and a link to all mail settings.

An unsubscribe link carries the person's id, the kind (or "all") and when their account was
created, signed with the app's secret key. It never expires, so an old mail keeps working,
but it stops working when the account is gone (a later account with the same id is another
person: its creation time differs).
"""
from itsdangerous import BadData, URLSafeSerializer

from learnclub.domain.errors import NotFound, untranslated
from learnclub.domain.reach.preferences import ALL, KINDS
from learnclub.i18n import translations_for
from learnclub.models import User

SALT = "unsubscribe"
SETTINGS_PATH = "/me/notifications"


def _signer(secret):
    return URLSafeSerializer(secret, salt=SALT)


def _stamp(user):
    return int(user.created_at.timestamp())


def unsubscribe_token(user, kind, *, secret):
    """The signed token for turning `kind` (or ALL) off for `user`."""
    return _signer(secret).dumps([user.id, kind, _stamp(user)])


def read_unsubscribe_token(token, *, secret, tr=untranslated):
    """(user, kind) behind a token; NotFound if it is forged, broken or the account is gone."""
    gone = NotFound(tr("This unsubscribe link is not valid. Open your mail settings after "
                       "signing in instead."))
    try:
        user_id, kind, stamp = _signer(secret).loads(token)
    except (BadData, TypeError, ValueError):
        raise gone from None
    user = User.get_or_none(User.id == user_id) if isinstance(user_id, int) else None
    if user is None or kind not in (*KINDS, ALL) or stamp != _stamp(user):
        raise gone
    return user, kind


def unsubscribe_url(user, kind, *, secret, base_url):
    return f"{base_url}/unsubscribe/{unsubscribe_token(user, kind, secret=secret)}"


def footer_for(message, user, *, secret, base_url):
    """(footer text in the reader's language, extra headers) for a mail to `user`.

    A mail of a kind gets the unsubscribe link and the List-Unsubscribe headers; a mail that
    always goes gets only the settings link.
    """
    tr = translations_for(user.locale).gettext
    lines = []
    headers = {}
    if message.kind in KINDS:
        url = unsubscribe_url(user, message.kind, secret=secret, base_url=base_url)
        lines.append(tr("Don't want these mails? Unsubscribe: %(link)s") % {"link": url})
        headers = {"List-Unsubscribe": f"<{url}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    lines.append(tr("All mail settings: %(link)s") % {"link": base_url + SETTINGS_PATH})
    return "\n".join(lines), headers
