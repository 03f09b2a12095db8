"""Sign-in throttling, kept in the database so every process sees the same count."""
import hashlib
from datetime import timedelta

from learnclub.domain.errors import Throttled
from learnclub.models import LoginAttempt

WINDOW = timedelta(minutes=15)
#: failures allowed in WINDOW before that scope must wait
LIMITS = {"account": 5, "ip": 30}


def scopes_for(email, ip):
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return {"account": f"account:{digest}", "ip": f"ip:{ip or 'unknown'}"}


def check_login_allowed(email, ip, *, now, tr):
    """Raise Throttled if the account or the address has failed too often lately."""
    for kind, scope in scopes_for(email, ip).items():
        recent = (LoginAttempt.select(LoginAttempt.at)
                  .where((LoginAttempt.scope == scope) & (LoginAttempt.at > now - WINDOW))
                  .order_by(LoginAttempt.at.desc()).limit(LIMITS[kind]))
        times = [row.at for row in recent]
        if len(times) >= LIMITS[kind]:
            wait = times[-1] + WINDOW - now
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            raise Throttled(tr("Too many sign-in attempts. Try again in %(n)d minutes.")
                            % {"n": minutes}, retry_after=int(wait.total_seconds()) + 1)


def record_failed_login(email, ip, *, now):
    """Count one failure against the account and the address; forget failures a day old."""
    LoginAttempt.insert_many(
        [{"scope": scope, "at": now} for scope in scopes_for(email, ip).values()]).execute()
    LoginAttempt.delete().where(LoginAttempt.at < now - timedelta(days=1)).execute()


def clear_failed_logins(email, *, now):
    LoginAttempt.delete().where(LoginAttempt.scope == scopes_for(email, None)["account"]).execute()
