"""Sessions and secrets (docs/security.md "Sessions and secrets"): how long a signed-in
browser lives without being used, and what a new password takes away with it.

A browser's session ends on the server after IDLE (REMEMBERED_IDLE when "keep me signed in"
was ticked) without a request; the remember-me cookie carries the same session key, so ending
the session (signing out, "sign out other devices", a password change) ends the cookie too.
A password change or reset ends every reset link still pending and, when asked (the forms
tick it by default), revokes the account's API tokens and private calendar links.
"""
from datetime import timedelta

from learnclub.models import AccessToken, CalendarToken, LoginSession, OneTimeToken

#: a session not used for this long is over (the browser must sign in again)
IDLE = timedelta(days=7)
#: the same for a browser where "keep me signed in on this device" was ticked
REMEMBERED_IDLE = timedelta(days=30)
#: last_seen_at is written at most this often: not one write per request
SEEN_RESOLUTION = timedelta(minutes=5)


def idle_limit(session):
    return REMEMBERED_IDLE if session.remember else IDLE


def session_alive(session, *, now):
    """True if the session was used recently enough; notes this use (at most once every few
    minutes). An idle session is deleted: its cookie, copied or not, never works again."""
    seen = session.last_seen_at or session.created_at
    if now - seen >= idle_limit(session):
        LoginSession.delete().where(LoginSession.id == session.id).execute()
        return False
    if now - seen >= SEEN_RESOLUTION:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == session.id).execute()
        session.last_seen_at = now
    return True


def end_pending_resets(user):
    """Every password reset link of the account stops working. Returns how many there were."""
    return OneTimeToken.delete().where((OneTimeToken.user == user)
                                       & (OneTimeToken.purpose == "reset")).execute()


def revoke_secrets(user, *, now):
    """Revoke the account's live API tokens and private calendar links: programs and calendar
    apps using them get nothing from now on. Returns how many were revoked."""
    tokens = AccessToken.update(revoked_at=now).where(
        (AccessToken.user == user) & AccessToken.revoked_at.is_null()).execute()
    links = CalendarToken.update(revoked_at=now).where(
        (CalendarToken.user == user) & CalendarToken.revoked_at.is_null()).execute()
    return tokens + links


def after_password_change(user, *, now, revoke=False):
    """What a changed or reset password takes with it: pending reset links always, API tokens
    and calendar links when `revoke`. Returns how many tokens and links were revoked."""
    end_pending_resets(user)
    return revoke_secrets(user, now=now) if revoke else 0
