"""A member's private ways for chat-group robots to @-mention them: a mobile number (WeCom and
DingTalk robots ping by it) and a Feishu user id (Feishu robots ping by it), used only after
they ticked "let the group robots @-mention me". Who may see them: accounts/queries.py
(`may_see_mention_contacts`); how a robot uses them: reach/chat_mentions.py.
"""
import re
import unicodedata

from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.text import check_text
from learnclub.models import User

#: "+" (optional, then a country code) and 5-15 digits: E.164 allows 15 at most
_PHONE = re.compile(r"\+?[0-9]{5,15}")
#: what people type between digit groups, dropped: spaces, hyphens, dots, brackets
_PHONE_SEPARATORS = re.compile(r"[ \-.()]")
#: Feishu's open_id ("ou_" and letters and digits), or a tenant's own user_id, kept to a
#: conservative charset so it can never break out of a message
_OPEN_ID = re.compile(r"ou_[A-Za-z0-9]{8,61}")
_USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
TYPED_MAX = 64  #: characters typed in either field, separators included


def check_phone(value, *, tr=untranslated):
    """The mobile number as stored ("" or "+"/digits, separators dropped, full-width digits
    as ASCII), or DomainError."""
    label = tr("Mobile number")
    check_text(value, field="mention_phone", label=label, max_length=TYPED_MAX, tr=tr)
    phone = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "").strip())
    if phone and not _PHONE.fullmatch(phone):
        raise DomainError(tr("Enter the mobile number in digits, e.g. 13800138000; outside "
                             "mainland China start with + and the country code, e.g. "
                             "+85291234567 (5 to 15 digits)."), field="mention_phone")
    return phone


def check_feishu_user_id(value, *, tr=untranslated):
    """The Feishu user id as stored ("" or an open_id / user_id, spaces around dropped), or
    DomainError."""
    label = tr("Feishu user ID")
    check_text(value, field="feishu_user_id", label=label, max_length=TYPED_MAX, tr=tr)
    user_id = (value or "").strip()
    if user_id.startswith("ou_") and not _OPEN_ID.fullmatch(user_id) or (
            user_id and not _USER_ID.fullmatch(user_id)):
        raise DomainError(tr("A Feishu user ID is “ou_” followed by letters and digits (your "
                             "open_id), or the user ID your Feishu administrator gave you: "
                             "letters, digits, “_” and “-”, up to 64 characters."),
                          field="feishu_user_id")
    return user_id


def check_mention_contacts(phone, feishu_user_id, *, tr=untranslated):
    """(phone, Feishu user id) as they would be stored, or DomainError naming the field."""
    return check_phone(phone, tr=tr), check_feishu_user_id(feishu_user_id, tr=tr)


def set_mention_contacts(user, *, phone, feishu_user_id, consent, now, tr=untranslated):
    """Save the member's number, Feishu user id and consent (given at `now`, kept from the
    first time while it stays given). Saves the user; returns the fields that changed."""
    phone, feishu_user_id = check_mention_contacts(phone, feishu_user_id, tr=tr)
    consent_at = (user.mention_consent_at or now) if consent else None
    values = {"mention_phone": phone, "feishu_user_id": feishu_user_id,
              "mention_consent_at": consent_at}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.save(only=[getattr(User, name) for name in changed])
    return changed
