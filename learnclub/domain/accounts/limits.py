"""Limits on sign-in attempts and on the mail anonymous visitors can ask for.

Kept in the database (`LoginAttempt` rows, one per scope and event), so every process sees the
same count; counting an event and checking its limit are one step under a lock on the scope.
The numbers are in docs/security.md ("Limits").

- An account that failed ACCOUNT_LIMIT sign-ins in WINDOW takes no more tries (right or wrong
  password) until the oldest of them is WINDOW old.
- An address that failed ADDRESS_LIMIT sign-ins in WINDOW is answered "too many" for a wrong
  password or an unknown account, never for another account's right password: a proxy or a
  carrier's NAT shares one address between many people.
- Sign-up and reset mails: at most MAIL_PER_RECIPIENT an hour to one address and
  MAIL_PER_SENDER an hour asked for from one requesting address; beyond, nothing is queued and
  the answer is the same.
"""
import hashlib
import math
from dataclasses import dataclass, field
from datetime import timedelta

from learnclub.db import db, is_sqlite, write_transaction
from learnclub.domain.errors import Throttled
from learnclub.models import LoginAttempt

WINDOW = timedelta(minutes=15)
#: failed sign-ins of one account in WINDOW before it must wait
ACCOUNT_LIMIT = 5
#: failed sign-ins from one address in WINDOW before its wrong tries are answered 429
ADDRESS_LIMIT = 30
MAIL_WINDOW = timedelta(hours=1)
#: sign-up and reset mails to one address in MAIL_WINDOW
MAIL_PER_RECIPIENT = 3
#: sign-up and reset mails asked for from one requesting address in MAIL_WINDOW
MAIL_PER_SENDER = 10
#: how long a row is kept at all
KEEP = timedelta(days=1)


def _digest(email):
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()


def _lock(*scopes):
    """Serialise count-and-record per scope for the rest of the transaction: on SQLite the
    write transaction already holds the one write lock; PostgreSQL takes an advisory lock
    per scope, in one order so two attempts never wait for each other."""
    if is_sqlite():
        return
    for scope in sorted(set(scopes)):
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (scope,))


def _wait(scope, limit, window, *, now):
    """How long `scope` must wait (a timedelta), or None if it is under its limit."""
    recent = (LoginAttempt.select(LoginAttempt.at)
              .where((LoginAttempt.scope == scope) & (LoginAttempt.at > now - window))
              .order_by(LoginAttempt.at.desc()).limit(limit))
    times = [row.at for row in recent]
    return times[-1] + window - now if len(times) >= limit else None


def _record(scopes, *, now):
    ids = [LoginAttempt.insert(scope=scope, at=now).execute() for scope in scopes]
    LoginAttempt.delete().where(LoginAttempt.at < now - KEEP).execute()
    return ids


def _too_many(wait, tr):
    seconds = max(1, math.ceil(wait.total_seconds()))
    return Throttled(tr("Too many sign-in attempts. Try again in %(n)d minutes.")
                     % {"n": max(1, math.ceil(seconds / 60))}, retry_after=seconds)


@dataclass
class SignInAttempt:
    """One sign-in, counted as failed until `succeeded`; `address_wait` is set when its
    address was over its limit."""

    account_scope: str
    row_ids: list = field(default_factory=list)
    address_wait: timedelta | None = None


def begin_sign_in(email, ip, *, now, tr):
    """Count a sign-in before its password is checked, in one step with checking the limits.

    Raises Throttled if the account must wait; the address's limit is only noted here (see
    `failed`), since a right password is let in whatever the address did."""
    account, address = f"account:{_digest(email)}", f"ip:{ip or 'unknown'}"
    with write_transaction():
        _lock(account, address)
        account_wait = _wait(account, ACCOUNT_LIMIT, WINDOW, now=now)
        if account_wait is not None:
            raise _too_many(account_wait, tr)
        address_wait = _wait(address, ADDRESS_LIMIT, WINDOW, now=now)
        ids = _record((account, address), now=now)
    return SignInAttempt(account, ids, address_wait)


def succeeded(attempt):
    """A right password: the account's failures are forgotten, and this attempt's count."""
    LoginAttempt.delete().where((LoginAttempt.scope == attempt.account_scope)
                                | LoginAttempt.id.in_(attempt.row_ids)).execute()


def failed(attempt, *, tr):
    """A wrong password or an unknown account (already counted): raise Throttled if its
    address was over its limit."""
    if attempt.address_wait is not None:
        raise _too_many(attempt.address_wait, tr)


def allow_mail(recipient, ip, *, now):
    """Count a sign-up or reset mail an anonymous visitor asks for. False (nothing counted)
    if the recipient or the requesting address had its share in the last MAIL_WINDOW."""
    to, sender = f"mail-to:{_digest(recipient)}", f"mail-ip:{ip or 'unknown'}"
    with write_transaction():
        _lock(to, sender)
        if (_wait(to, MAIL_PER_RECIPIENT, MAIL_WINDOW, now=now) is not None
                or _wait(sender, MAIL_PER_SENDER, MAIL_WINDOW, now=now) is not None):
            return False
        _record((to, sender), now=now)
    return True
