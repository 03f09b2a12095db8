"""Argon2id password hashing (argon2-cffi's RFC 9106 defaults) and the password rule."""
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from learnclub.domain.errors import DomainError

MIN_LENGTH = 8
MAX_LENGTH = 128
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash():
    """Verified against when the account does not exist, so timing does not tell. Made on
    first use, not at import: a hash takes about 150 ms, which every process (each gunicorn
    worker as it boots or is replaced, every CLI command) paid before doing anything."""
    return _hasher.hash("not-a-real-password")


def check_password_rule(password, *, tr, field="password"):
    """Length only (NIST SP 800-63B): 8 to 128 characters, no composition rules."""
    if len(password) < MIN_LENGTH:
        raise DomainError(tr("Use at least %(n)d characters.") % {"n": MIN_LENGTH}, field=field)
    if len(password) > MAX_LENGTH:
        raise DomainError(tr("Use at most %(n)d characters.") % {"n": MAX_LENGTH}, field=field)
    return password


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    """True if the password matches; a missing hash is checked against a dummy to keep timing."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
