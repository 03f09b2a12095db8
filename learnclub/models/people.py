"""People and their sign-in state: accounts, sessions, throttling, one-time tokens."""
from peewee import BooleanField, CharField, ForeignKeyField, TextField

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField


class User(BaseModel):
    email = CharField(max_length=320, unique=True)  #: stored lower-cased
    password_hash = CharField(max_length=255)
    display_name = CharField(max_length=300)
    is_admin = BooleanField(default=False)  #: created by first-time setup; may create cohorts
    can_host = BooleanField(default=False)  #: may create cohorts of their own
    locale = CharField(max_length=16, null=True)  #: chosen UI language, None = from browser
    city = CharField(max_length=300, default="")
    industry = CharField(max_length=300, default="")
    company_title = CharField(max_length=300, default="")
    offer = TextField(default="")  #: "what I can offer"
    looking_for = TextField(default="")  #: "what I'm looking for"
    intro_md = TextField(default="")  #: short self-introduction in Markdown
    #: the 自我介绍 a member writes on joining: one paragraph, at most 500 characters, plain
    #: text ("" = not written yet); its tags are ProfileTag (domain/accounts/introductions.py)
    introduction = TextField(default="")
    #: the profile photo, a re-encoded JPEG: the sha256 of its StoredFile ("" = none)
    photo = CharField(max_length=300, default="")
    #: the name others know them by in the cohort's chat group (群昵称), for @-mentions
    group_nickname = CharField(max_length=100, default="")
    #: private, for chat-group robot @-mentions only (domain/accounts/mention_contacts.py):
    #: a mobile number ("+" and 5-15 digits) that WeCom and DingTalk robots ping by, and a
    #: Feishu user id (open_id "ou_…") that Feishu robots ping by; "" = none given
    mention_phone = CharField(max_length=16, default="")
    feishu_user_id = CharField(max_length=64, default="")
    #: when the member ticked "let the group robots @-mention me" (None: no consent, so the
    #: number and id above are never used)
    mention_consent_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()

    # Flask-Login protocol; the session key is set by whoever loads the user for a request.
    session_key = None
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self):
        return self.session_key

    @property
    def may_create_cohorts(self):
        return self.is_admin or self.can_host


class LoginSession(BaseModel):
    """A signed-in browser. Deleting the row signs that browser out, wherever the cookie went."""

    key_hash = CharField(max_length=64, unique=True)  #: sha256 of the key kept in the cookie
    user = ForeignKeyField(User, backref="login_sessions", on_delete="CASCADE")
    created_at = UTCDateTimeField()
    user_agent = CharField(max_length=300, default="")
    #: the last request it made (to a few minutes); None: not since it was made. An idle
    #: session ends (domain/accounts/credentials.py)
    last_seen_at = UTCDateTimeField(null=True)
    remember = BooleanField(default=False)  #: "keep me signed in on this device" was ticked


class LoginAttempt(BaseModel):
    """A failed sign-in, kept for throttling; shared by every process through the database."""

    scope = CharField(max_length=100, index=True)  #: "account:<sha256 of email>" or "ip:<address>"
    #: (domain/accounts/limits.py also counts sign-up and reset mails here, as
    #: "mail-to:<sha256 of email>" and "mail-ip:<address>")
    at = UTCDateTimeField(index=True)


class OneTimeToken(BaseModel):
    """A secret sent by mail or printed once: first-host setup, sign-up confirmation, reset."""

    purpose = CharField(max_length=32)  #: "setup", "signup" or "reset"
    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, null=True, on_delete="CASCADE")
    created_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
    #: what the token carries (a pending sign-up's name and password hash), as JSON
    payload = TextField(default="{}")


class AccessToken(BaseModel):
    """A personal access token for the JSON API: shown once, stored as a hash, revocable."""

    user = ForeignKeyField(User, backref="access_tokens", on_delete="CASCADE")
    name = CharField(max_length=100)  #: what the owner calls it, e.g. "Zapier"
    token_hash = CharField(max_length=64, unique=True)  #: sha256 of the secret
    #: the first characters of the secret, so the owner can tell tokens apart
    prefix = CharField(max_length=16)
    scope = CharField(max_length=16)  #: "read" or "write" (read-write)
    created_at = UTCDateTimeField()
    last_used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)
