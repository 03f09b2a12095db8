"""One-time tokens: random, stored hashed, expiring, usable once (a compare-and-set)."""
import hashlib
import json
import secrets

from learnclub.domain.errors import Conflict
from learnclub.models import OneTimeToken


def digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(purpose, *, now, ttl, user=None, payload=None):
    """Store a new token and return its raw value (the only time it exists in clear)."""
    raw = secrets.token_urlsafe(32)
    OneTimeToken.create(purpose=purpose, token_hash=digest(raw), user=user, created_at=now,
                        expires_at=now + ttl, payload=json.dumps(payload or {}))
    return raw


def peek_token(purpose, raw, *, now):
    """The live token with this value, or None; does not use it up."""
    return OneTimeToken.get_or_none(
        (OneTimeToken.purpose == purpose) & (OneTimeToken.token_hash == digest(raw or ""))
        & OneTimeToken.used_at.is_null() & (OneTimeToken.expires_at > now))


def use_token(purpose, raw, *, now, tr):
    """Mark the token used and return it; raise Conflict if it is unknown, expired or used."""
    token = peek_token(purpose, raw, now=now)
    taken = token is not None and OneTimeToken.update(used_at=now).where(
        (OneTimeToken.id == token.id) & OneTimeToken.used_at.is_null()).execute() == 1
    if not taken:
        raise Conflict(tr("This link has expired or has already been used."))
    token.payload_data = json.loads(token.payload)
    return token
