"""Platforms, events and delivery states in words, in the reader's language."""
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from learnclub.domain.reach import chat_hooks

KIND_WORDS = {
    "wecom": _l("WeCom group robot (企业微信群机器人)"),
    "feishu": _l("Feishu custom bot (飞书自定义机器人)"),
    "dingtalk": _l("DingTalk custom robot (钉钉自定义机器人)"),
    "generic": _l("Generic JSON webhook"),
}
#: event -> (name, one line on when it is posted)
EVENT_WORDS = {
    "case_published": (_l("New case"), _l(
        "When a case comes out: its title, the homework question, the due time and the link.")),
    "homework_due": (_l("Homework due soon"), _l(
        "Once per case, at the earliest reminder before the due time: who has not handed in "
        "yet, each @-mentioned by group nickname.")),
    "removals": (_l("Learners asked to leave"), _l(
        "After a participation check removed anyone: how many, and who.")),
    "guest_week": (_l("This week's guest sharing"), _l(
        "The day before and on the day: the topic, the guest and the time.")),
    "archive_entry": (_l("New in the archive"), _l(
        "When a session takes its number in the archive (第N期): topic, guest and link.")),
    "member_introduced": (_l("New member introduced"), _l(
        "When a member writes their introduction for the first time: a welcome with what "
        "they can offer and what they are looking for. Off unless you tick it.")),
    "announcement": (_l("Announcements"), _l(
        "When staff post an announcement (公告): its title, the start of its text and the "
        "link.")),
}
STATE_WORDS = {
    "sent": _l("Sent"),
    "pending": _l("Waiting to be sent"),
    "retrying": _l("Failed, will try again"),
    "failed": _l("Gave up"),
}


def kind_choices():
    return [(kind, KIND_WORDS.get(kind, kind)) for kind in chat_hooks.KINDS]


def kind_name(kind):
    return KIND_WORDS.get(kind, kind)


def event_choices():
    return [(event, EVENT_WORDS[event][0] if event in EVENT_WORDS else event)
            for event in chat_hooks.EVENTS]


def event_name(event):
    """An event (or a test post's kind) in words; unknown kinds as they are."""
    if event in EVENT_WORDS:
        return EVENT_WORDS[event][0]
    return _l("Test message") if event.startswith("test") else event


def masked_url(url):
    """Enough of a webhook address to tell robots apart, never enough to post with it:
    scheme and host, then "…" and the last four characters."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}/…{url[-4:]}" if host else "…" + url[-4:]
