"""Accounts: first-host setup, sign-up by confirmed mail, sign-in, sessions, passwords.

No message here tells whether an address is registered.
"""
import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email

from learnclub.db import write_transaction
from learnclub.domain.accounts import credentials, limits
from learnclub.domain.accounts.passwords import check_password_rule, hash_password, verify_password
from learnclub.domain.accounts.tokens import issue_token, use_token
from learnclub.domain.errors import Conflict, DomainError, untranslated
from learnclub.domain.reach import notices
from learnclub.domain.text import check_text
from learnclub.models import LoginSession, OneTimeToken, User
from learnclub.prepared import Prepared


def normalise_email(email, *, tr=untranslated):
    """Lower-cased, syntax-checked address; raise DomainError on the `email` field otherwise."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(tr("This is not a valid email address."), field="email") from exc
    return result.normalized.lower()


class InvalidAccount(DomainError):
    """Some fields of a new account are wrong: `problems`, one DomainError per field, all
    of them at once (the message is the first one's)."""

    def __init__(self, problems):
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


def _check_new_account(email, display_name, password, tr):
    """The normalised address, once every field is right; else InvalidAccount naming each
    field at fault."""
    checks = (lambda: normalise_email(email, tr=tr),
              lambda: check_text(display_name, field="display_name", label=tr("Name"),
                                 required=True, tr=tr),
              lambda: check_password_rule(password, tr=tr))
    answers, problems = [], []
    for check in checks:
        try:
            answers.append(check())
        except DomainError as exc:
            problems.append(exc)
    if problems:
        raise InvalidAccount(problems)
    return answers[0]


def setup_needed():
    """True while no account exists: the first visitor with the printed link becomes host."""
    return not User.select().exists()


def issue_setup_token(*, now):
    """A fresh first-host setup token (older unused ones stop working); None once set up."""
    if not setup_needed():
        return None
    OneTimeToken.delete().where(OneTimeToken.purpose == "setup").execute()
    return issue_token("setup", now=now, ttl=timedelta(days=7))


def complete_setup(raw, *, email, display_name, password, now, tr=untranslated):
    """Create the first host (admin) with the one-time setup token. Returns the user."""
    email = _check_new_account(email, display_name, password, tr)
    with write_transaction():
        use_token("setup", raw, now=now, tr=tr)
        if not setup_needed():
            raise Conflict(tr("learnclub is already set up."))
        return User.create(email=email, password_hash=hash_password(password),
                           display_name=display_name, is_admin=True, can_host=True,
                           created_at=now)


def add_account(email, *, password_hash, display_name, now, admin=False):
    """An account made directly, without a confirmation mail (the demo's people); the
    password comes already hashed. Returns the user."""
    return User.create(email=email, password_hash=password_hash, display_name=display_name,
                       is_admin=admin, can_host=admin, created_at=now)


def grant_host(email):
    """Let the account with this address create cohorts. False if there is no such account."""
    return bool(User.update(can_host=True).where(User.email == email.strip().lower()).execute())


def request_signup(email, display_name, password, *, ip, now, base_url, locale, return_to="",
                   tr=untranslated):
    """Mail a confirmation link (or, for a known address, a notice to its owner). Same answer,
    also when the mail limits (limits.allow_mail, for the requesting address `ip`) send nothing.

    `return_to` is where the new account continues after confirming (e.g. the cohort's apply page).
    """
    email = _check_new_account(email, display_name, password, tr)
    if not limits.allow_mail(email, ip, now=now):
        return
    existing = User.get_or_none(User.email == email)
    nonce = secrets.token_hex(8)
    password_hash = hash_password(password)  # in both branches, so timing does not tell either
    if existing is not None:
        notices.mail_signup_existing(user=existing, login_link=f"{base_url}/login",
                                     reset_link=f"{base_url}/password/forgot", now=now,
                                     key=f"signup-existing:{existing.id}:{nonce}")
        return
    raw = issue_token("signup", now=now, ttl=timedelta(hours=24), payload={
        "email": email, "display_name": display_name, "locale": locale,
        "password_hash": password_hash, "return_to": return_to})
    notices.mail_signup_confirm(email=email, link=f"{base_url}/signup/confirm/{raw}",
                                locale=locale, now=now, key=f"signup:{email}:{nonce}")


def confirm_signup(raw, *, now, tr=untranslated):
    """Create the account a confirmation link stands for. Returns the new user, whose
    `return_to` says where sign-up started."""
    with write_transaction():
        data = use_token("signup", raw, now=now, tr=tr).payload_data
        if User.select().where(User.email == data["email"]).exists():
            raise Conflict(tr("This account is already confirmed: sign in."))
        user = User.create(email=data["email"], password_hash=data["password_hash"],
                           display_name=data["display_name"], locale=data.get("locale"),
                           created_at=now)
    user.return_to = data.get("return_to", "")
    return user


def authenticate(email, password, *, ip, now, tr=untranslated):
    """The user with these credentials; limited per account and per address (limits.py).

    The attempt is counted before the password is checked, in one step with the limits, so
    concurrent tries never get more checks than the limit."""
    attempt = limits.begin_sign_in(email or "", ip, now=now, tr=tr)
    user = User.get_or_none(User.email == (email or "").strip().lower())
    if not verify_password(user.password_hash if user else None, password or ""):
        limits.failed(attempt, tr=tr)
        raise DomainError(tr("Email or password is not right."))
    limits.succeeded(attempt)
    return user


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user, *, now, user_agent="", remember=False):
    """Record a signed-in browser; returns the key its cookie carries."""
    key = secrets.token_urlsafe(32)
    LoginSession.create(key_hash=_key_hash(key), user=user, created_at=now,
                        user_agent=(user_agent or "")[:300], last_seen_at=now,
                        remember=bool(remember))
    user.session_key = key
    return key


#: every signed-in request reads its session: the SQL built once (prepared.Prepared)
_SESSION = Prepared(lambda key_hash: LoginSession.select(LoginSession, User).join(User)
                    .where(LoginSession.key_hash == key_hash).limit(1), "\x00key hash")


def load_session(key, *, now):
    """The user a session key belongs to, or None once that session was ended or idle."""
    row = _SESSION.first(_key_hash(key or ""))
    if row is None or not credentials.session_alive(row, now=now):
        return None
    row.user.session_key = key
    return row.user


def end_session(key):
    """Sign one browser out; its cookie stops working even if copied."""
    LoginSession.delete().where(LoginSession.key_hash == _key_hash(key or "")).execute()


def end_other_sessions(user, *, keep_key=None):
    """Sign every other browser of this user out. Returns how many were ended."""
    query = LoginSession.delete().where(LoginSession.user == user)
    if keep_key:
        query = query.where(LoginSession.key_hash != _key_hash(keep_key))
    return query.execute()


def request_password_reset(email, *, ip, now, base_url):
    """Mail a one-time reset link if the address has an account and the mail limits
    (limits.allow_mail, for the requesting address `ip`) allow; otherwise do nothing, quietly."""
    try:
        email = normalise_email(email)
    except DomainError:
        return
    if not limits.allow_mail(email, ip, now=now):
        return
    user = User.get_or_none(User.email == email)
    if user is None:
        return
    raw = issue_token("reset", now=now, ttl=timedelta(hours=1), user=user)
    notices.mail_password_reset(user=user, link=f"{base_url}/password/reset/{raw}", now=now,
                                key=f"reset:{user.id}:{raw[:12]}")


def reset_password(raw, password, *, now, revoke_secrets=False, tr=untranslated):
    """Set a new password with a reset link; signs out every browser, ends other reset links
    and, if asked, revokes API tokens and calendar links. Returns the user."""
    check_password_rule(password, tr=tr)
    with write_transaction():
        user = use_token("reset", raw, now=now, tr=tr).user
        user.password_hash = hash_password(password)
        user.save()
        end_other_sessions(user)
        credentials.after_password_change(user, now=now, revoke=revoke_secrets)
    return user


def change_password(user, *, current, new, keep_key, now, revoke_secrets=False,
                    tr=untranslated):
    """Change the password; every other browser is signed out and every reset link ends (and,
    if asked, API tokens and calendar links are revoked). Returns how many browsers."""
    if not verify_password(user.password_hash, current or ""):
        raise DomainError(tr("Your current password is not right."), field="current")
    check_password_rule(new, tr=tr, field="new")
    with write_transaction():
        user.password_hash = hash_password(new)
        user.save(only=[User.password_hash])
        credentials.after_password_change(user, now=now, revoke=revoke_secrets)
        return end_other_sessions(user, keep_key=keep_key)
