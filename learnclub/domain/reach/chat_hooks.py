"""A cohort's chat-group robots (企业微信 / 飞书 / 钉钉 group robots, or any JSON endpoint): which
groups hear which events. The posts themselves go through the outbox (see reach/chat_posts.py),
in each platform's format (outbound/chat_formats.py). The robots and their deliveries as pages
show them: reach/queries.py.
"""
import unicodedata
import uuid
from urllib.parse import urlsplit

from learnclub.db import write_transaction
from learnclub.domain.cohorts.access import require
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.reach import chat_mentions, chat_messages
from learnclub.domain.reach.outbox import enqueue_post
from learnclub.domain.text import check_text, is_web_address
from learnclub.models import ChatHook, OutboxMessage
from learnclub.outbound import chat_formats
from learnclub.outbound.robot_http import is_private_host

KINDS = ("wecom", "feishu", "dingtalk", "generic")
EVENTS = ("case_published", "homework_due", "removals", "guest_week", "archive_entry",
          "announcement", "member_introduced")
#: events a new robot does not get unless its host ticks them
OFF_BY_DEFAULT = ("member_introduced",)
SIGNED_KINDS = ("feishu", "dingtalk", "generic")  #: kinds that take an optional secret
LABEL_MAX = 100
URL_MAX = 2000
SECRET_MAX = 200


def _unprintable(text):
    """True if the text holds whitespace, control or invisible format characters."""
    return any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
               for c in text)


def _check_url(url, tr, allow_private):
    url = check_text(url, field="url", label=tr("Webhook address"), max_length=URL_MAX,
                     required=True, tr=tr).strip()
    message = tr("Enter the robot's webhook address: it starts with https:// or http://.")
    if _unprintable(url):
        raise DomainError(tr("The webhook address must not contain spaces or control "
                             "characters."), field="url")
    if not is_web_address(url):
        raise DomainError(message, field="url")
    if not allow_private and is_private_host(urlsplit(url).hostname):
        # names are checked again, after DNS, each time a post is sent (outbound/robot_http)
        raise DomainError(tr("The webhook address points into a private network (this "
                             "machine or the local network): a chat robot must be reachable "
                             "on the internet."), field="url")
    return url


def _check_secret(secret, kind, tr):
    secret = check_text(secret, field="secret", label=tr("Signing secret"),
                        max_length=SECRET_MAX, tr=tr).strip()
    if secret and kind not in SIGNED_KINDS:
        raise DomainError(tr("This kind of robot takes no signing secret: leave it empty."),
                          field="secret")
    if _unprintable(secret):
        raise DomainError(tr("The signing secret must not contain spaces or control "
                             "characters."), field="secret")
    return secret


def _check(kind, label, url, secret, events, tr, allow_private, mention_members=False):
    """The hook's fields as stored, or DomainError naming the first field at fault. A
    private address (localhost, 10.x, …) only if the operator allows it (`allow_private`).
    Mentioning members stays off for a kind that cannot (a generic webhook)."""
    if kind not in KINDS:
        raise DomainError(tr("Choose the kind of chat robot from the list."), field="kind")
    check_text(label, field="label", label=tr("Group name"), max_length=LABEL_MAX,
               required=True, tr=tr)
    url = _check_url(url, tr, allow_private)
    secret = None if secret is None else _check_secret(secret, kind, tr)
    events = list(events or ())
    if any(not isinstance(e, str) or e not in EVENTS for e in events):
        raise DomainError(tr("Choose the events from the list."), field="events")
    picked = ",".join(e for e in EVENTS if e in events)
    return {"kind": kind, "label": label, "url": url, "secret": secret, "events": picked,
            "mention_members": bool(mention_members) and kind in chat_mentions.MENTION_KINDS}


def add_hook(cohort, *, actor, kind, label, url, secret, events, now, tr=untranslated,
             allow_private=False, mention_members=False):
    """Add a chat-group robot to the cohort (staff only); `mention_members`: ping members
    who consented (chat_mentions). Saves the ChatHook; returns it."""
    require(actor, "edit_cohort", cohort, tr=tr)
    values = _check(kind, label, url, secret or "", events, tr, allow_private, mention_members)
    hook = ChatHook.create(cohort=cohort, created_by=actor, created_at=now, **values)
    record(cohort, Action.HOOK_ADDED, actor=actor, now=now, subject=hook,
           changes={"kind": kind, "events": values["events"]}
           | ({"mention_members": True} if values["mention_members"] else {}))
    return hook


def update_hook(hook, *, actor, kind, label, url, secret, events, now, tr=untranslated,
                allow_private=False, mention_members=False):
    """Change a robot: secret None keeps the stored one, "" clears it. Saves the hook; a new
    kind drops its unsent posts (written in the old format), as does an event no longer
    picked. Logged at `now`. Returns the hook."""
    require(actor, "edit_cohort", hook.cohort, tr=tr)
    values = _check(kind, label, url, secret, events, tr, allow_private, mention_members)
    if values["secret"] is None:
        values["secret"] = hook.secret if kind in SIGNED_KINDS else ""
    unsent = (OutboxMessage.hook == hook.id) & OutboxMessage.sent_at.is_null()
    if kind == hook.kind:  # same format: only the posts of events no longer picked go
        unsent &= OutboxMessage.kind.not_in(values["events"].split(",") + ["test"])
    logged = {k: None if k in ("url", "secret") else [getattr(hook, k), v]  # no secrets
              for k, v in values.items() if getattr(hook, k) != v}
    with write_transaction():
        OutboxMessage.delete().where(unsent).execute()
        ChatHook.update(**values).where(ChatHook.id == hook.id).execute()
        record(hook.cohort_id, Action.HOOK_CHANGED, actor=actor, now=now,
               subject=hook, changes=logged)
    for name, value in values.items():
        setattr(hook, name, value)
    return hook


def delete_hook(hook, *, actor, now, tr=untranslated):
    """Remove a robot; its posts, sent or not, go with it (the database cascades). Logged
    at `now`."""
    require(actor, "edit_cohort", hook.cohort, tr=tr)
    with write_transaction():
        ChatHook.delete().where(ChatHook.id == hook.id).execute()
        record(hook.cohort_id, Action.HOOK_REMOVED, actor=actor, now=now,
               subject=hook)


def send_test_post(hook, *, actor, now, base_url, tr=untranslated):
    """Queue a short test post to the robot (a new key per press); the job sends it within
    seconds. Returns the OutboxMessage."""
    cohort = hook.cohort
    require(actor, "edit_cohort", cohort, tr=tr)
    message = chat_messages.trial_post(cohort, base_url=base_url)
    key = f"post:hook:{hook.id}:test:{uuid.uuid4().hex}"
    enqueue_post(key, hook=hook, event="test", subject=message.title,
                 body=chat_formats.render(hook.kind, message), now=now)
    return OutboxMessage.get(OutboxMessage.key == key)
