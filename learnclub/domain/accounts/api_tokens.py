"""Personal access tokens for the JSON API: a secret shown once, stored as its sha256,
scoped "read" or "write", revocable by its owner, looked up by hash (no secret is compared
character by character, so the time a lookup takes says nothing about the secret)."""
import hashlib
import secrets
from datetime import timedelta

from learnclub.domain.errors import DomainError, NotAllowed, untranslated
from learnclub.domain.text import check_text
from learnclub.models import AccessToken, User
from learnclub.prepared import Prepared

SCOPES = ("read", "write")
PREFIX = "lc_"
#: how many characters of the secret the owner sees to tell tokens apart ("lc_" + 7)
SHOWN = 10
#: last_used_at is written at most this often: not one write per request
USE_RESOLUTION = timedelta(minutes=1)
NAME_MAX = 100


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user, *, name, scope, now, tr=untranslated):
    """Store a new token for `user`. Returns (token row, secret): the secret exists in clear
    only in this return value and is never stored."""
    check_text(name, field="name", label=tr("Name"), max_length=NAME_MAX, required=True, tr=tr)
    if scope not in SCOPES:
        raise DomainError(tr("Choose what the token may do."), field="scope")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.create(user=user, name=name, token_hash=digest(secret),
                               prefix=secret[:SHOWN], scope=scope, created_at=now)
    return token, secret


def revoke_token(token, *, actor, now, tr=untranslated):
    """Revoke the token (its owner only); it stops working at once. Returns True if it
    changed (False: it was revoked already)."""
    if token.user_id != actor.id:
        raise NotAllowed(tr("Only the owner of a token can revoke it."))
    changed = AccessToken.update(revoked_at=now).where(
        (AccessToken.id == token.id) & AccessToken.revoked_at.is_null()).execute()
    token.revoked_at = token.revoked_at or now
    return bool(changed)


def tokens_of(user):
    """The user's live tokens, newest first."""
    return list(AccessToken.select().where(
        (AccessToken.user == user.id) & AccessToken.revoked_at.is_null())
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc()))


#: every API request looks its token up: the SQL built once (prepared.Prepared)
_LIVE_TOKEN = Prepared(lambda token_hash: AccessToken.select(AccessToken, User).join(User)
                       .where((AccessToken.token_hash == token_hash)
                              & AccessToken.revoked_at.is_null()).limit(1), "\x00token hash")


def authenticate(secret, *, now):
    """The live token (with .user loaded) whose secret this is, or None. Notes the use in
    last_used_at, at most once a minute per token."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = _LIVE_TOKEN.first(digest(secret))
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        AccessToken.update(last_used_at=now).where(
            (AccessToken.id == token.id)
            & (AccessToken.last_used_at.is_null()
               | (AccessToken.last_used_at <= now - USE_RESOLUTION))).execute()
        token.last_used_at = now
    return token
