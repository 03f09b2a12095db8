"""The footer and headers added to a mail when it is sent (never stored in the outbox):
a signed one-click unsubscribe link (RFC 8058) and a link to all mail settings.

An unsubscribe link carries the person's id, the kind (or "all") and when their account was
created, signed with the app's secret key. It never expires, so an old mail keeps working,
but it stops working when the account is gone (a later account with the same id is another
person: its creation time differs).
"""
from itsdangerous import BadData, URLSafeSerializer

from learnclub.domain.errors import NotFound, untranslated
from learnclub.domain.reach.mail_templates import render_mail
from learnclub.domain.reach.preferences import ALL, KINDS
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


class Footer(str):
    """A footer's text; `__html__()` gives the same footer for a mail's HTML part."""

    def __new__(cls, text, html):
        footer = super().__new__(cls, text)
        footer.html = html
        return footer

    def __html__(self):
        return self.html


def footer_for(message, user, *, secret, base_url):
    """(footer in the reader's language, extra headers) for a mail to `user`: the footer is
    its text, with its HTML form (templates/footer.txt and .html).

    A mail of a kind gets the unsubscribe link and the List-Unsubscribe headers; a mail that
    always goes gets only the settings link.
    """
    url = None
    headers = {}
    if message.kind in KINDS:
        url = unsubscribe_url(user, message.kind, secret=secret, base_url=base_url)
        headers = {"List-Unsubscribe": f"<{url}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    _subject, text, html = render_mail("footer", user.locale, unsubscribe=url,
                                       settings=base_url + SETTINGS_PATH)
    return Footer(text, html), headers
