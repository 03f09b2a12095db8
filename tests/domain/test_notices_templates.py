"""Mail text as templates: every mail renders in both languages as text and HTML with the same
words and links; names and titles stay exact in the text and escaped in the HTML; notices
put both parts in the outbox."""
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from markupsafe import Markup, escape

from learnclub.domain.reach import notices, talk_notices
from learnclub.domain.reach.mail_templates import SIGNATURE, TEMPLATES, render_mail
from learnclub.models import OutboxMessage
from tests import corpora
from tests.factories import T0, make_user

LINK = "https://learn.example.org/c/lab-2026/cases/7?from=mail&step=2#homework-3"
WHEN = "2026-12-01 20:00 (China Standard Time)"
ITEMS = [{"kind": kind, "actor": "张三", "case": "案例一", "link": f"{LINK}-{kind}"}
         for kind in ("comment", "reply", "feedback", "featured")]
#: one context per mail template (every <name>.txt that is not a layout)
SAMPLES = {
    "announcement": {"cohort": "社群实验室", "title": "本周日的分享改到晚上 8 点",
                     "author": "群主小林", "body": "大家好：\n\n嘉宾临时有事，改到 20:00。",
                     "body_html": Markup("<p>大家好：</p>\n<p>嘉宾临时有事，改到 20:00。</p>"),
                     "link": LINK},
    "signup_confirm": {"link": LINK},
    "signup_existing": {"login_link": "https://learn.example.org/login",
                        "reset_link": "https://learn.example.org/password/reset"},
    "password_reset": {"link": LINK},
    "application_decided": {"status": "admitted", "cohort": "社群实验室", "link": LINK,
                            "note": "欢迎!\n\n周日见。"},
    "case_published": {"cohort": "社群实验室", "title": "案例一", "link": LINK,
                       "prompt": "你会怎么做？\n\n写三点。", "due": WHEN},
    "queue_dry": {"cohort": "社群实验室", "max_days": 5, "when": WHEN, "link": LINK},
    "due_moved": {"cohort": "社群实验室", "title": "案例一", "earlier": True, "old": WHEN,
                  "new": "2026-11-30 20:00 (China Standard Time)", "link": LINK},
    "activity_digest": {"items": ITEMS},
    "removed": {"cohort": "社群实验室", "titles": ["案例一", "案例二"], "link": LINK},
    "removals_to_staff": {"cohort": "社群实验室", "link": LINK, "removed": [
        {"name": "学员小王", "titles": ["案例一", "案例二"]},
        {"name": "小李", "titles": ["案例一"]}]},
    "removals_held": {"cohort": "社群实验室", "link": LINK, "percent": 20, "count": 5, "held": [
        {"name": "学员小王", "titles": ["案例一"]}, {"name": "小李", "titles": ["案例一"]}]},
    "removed_by_host": {"cohort": "社群实验室", "reason": "在群里发广告。\n\n多次提醒。",
                        "link": LINK},
    "left": {"cohort": "社群实验室", "link": LINK},
    "reminder": {"title": "案例一", "hours": 24, "when": WHEN, "link": LINK,
                 "prompt": "你会怎么做？"},
    "seat_offer": {"cohort": "社群实验室", "when": WHEN, "link": LINK},
    "talk_received": {"cohort": "社群实验室", "topic": "社区团购", "link": LINK},
    "talk_accepted": {"cohort": "社群实验室", "topic": "社区团购", "when": WHEN, "link": LINK},
    "talk_declined": {"cohort": "社群实验室", "topic": "社区团购", "link": LINK},
    "talk_cancelled": {"cohort": "社群实验室", "topic": "社区团购", "link": LINK},
    "talk_moved": {"cohort": "社群实验室", "topic": "社区团购", "when": WHEN, "link": LINK},
    "week_taken": {"topic": "社区团购", "when": WHEN, "link": LINK},
    "proposal_week_moved": {"cohort": "社群实验室", "link": LINK, "items": [
        {"topic": "社区团购", "old": WHEN, "new": "2026-12-05 19:30 (China Standard Time)"}]},
    "talk_guest_reminder": {"cohort": "社群实验室", "topic": "社区团购", "when": WHEN,
                            "link": LINK, "offset": "7d", "to_confirm": True},
    "talk_today": {"cohort": "社群实验室", "topic": "社区团购", "guest": "张三", "when": WHEN,
                   "link": LINK},
    "slot_cancelled": {"cohort": "社群实验室", "when": WHEN, "topic": "社区团购", "link": LINK},
    "daily_digest": {"mails": [{"heading": "New case: 案例一",
                                "text": f"A new case is out.\n\nRead it: {LINK}"},
                               {"heading": "Today: 张三", "text": "20:00 tonight."}]},
    "footer": {"unsubscribe": "https://learn.example.org/unsubscribe/abc.def",
               "settings": "https://learn.example.org/me/notifications"},
}
LOCALES = {"en": "en", "zh_Hans_CN": "zh-Hans"}
URL = re.compile(r"https?://\S+")


class _Reader(HTMLParser):
    """What a reader of the HTML part sees (text, links) and its shape (tags, attributes)."""

    def __init__(self, html):
        super().__init__()
        self.words, self.links, self.tags, self._skip, self.lang = [], [], [], False, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, sorted(attrs)))
        self._skip = self._skip or tag == "title"
        if tag == "a":
            self.links.append(attrs["href"])
        elif tag == "li":
            self.words.append("- ")
        self.lang = self.lang or attrs.get("lang")

    def handle_endtag(self, tag):
        self._skip = self._skip and tag != "title"

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)

    @property
    def text(self):
        return " ".join("".join(self.words).split())


def _words(text):
    return " ".join(text.split())


def _mail_names():
    return sorted(p.name.removesuffix(".txt") for p in TEMPLATES.glob("*.txt")
                  if not p.name.startswith("_"))


def test_every_mail_template_has_a_sample():
    assert _mail_names() == sorted(SAMPLES)


@pytest.mark.parametrize("locale", sorted(LOCALES))
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_render_mail_text_and_html_say_the_same_with_the_same_links(name, locale):
    subject, text, html = render_mail(name, locale, **SAMPLES[name])

    reader = _Reader(html)
    assert (subject == "") == (name == "footer")
    assert text.strip() == text
    assert reader.links == URL.findall(text)
    assert reader.links != []
    assert reader.text == _words(text)
    assert reader.lang == LOCALES[locale]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_render_mail_chinese_differs_from_english(name):
    english = render_mail(name, "en", **SAMPLES[name])
    chinese = render_mail(name, "zh_Hans_CN", **SAMPLES[name])

    assert [a != b or a == "" for a, b in zip(english, chinese, strict=True)] == [True] * 3


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - {"footer"}))
def test_render_mail_text_ends_with_the_signature(name):
    _subject, text, html = render_mail(name, "en", **SAMPLES[name])

    assert text.endswith(SIGNATURE)
    assert _Reader(html).text.endswith(SIGNATURE.strip())


def test_render_mail_naughty_titles_exact_in_text_escaped_in_html():
    names = ("case_published", "activity_digest", "removals_to_staff")
    # an empty homework prompt has no paragraph: compare with a harmless text as empty
    harmless = {(name, empty): _shape(render_mail(name, "en", **_naughty_context(
        name, "" if empty else "x"))[2]) for name in names for empty in (True, False)}
    broken = []
    for text in corpora.naughty_strings():
        for name in names:
            _subject, body, html = render_mail(name, "en", **_naughty_context(name, text))
            if (body != _naughty_text(name, text) or str(escape(text)) not in html
                    or _shape(html) != harmless[name, text == ""]):
                broken.append((name, text))
    assert broken == []


def _shape(html):
    return _Reader(html).tags


def _naughty_context(name, text):
    return {"case_published": {"cohort": text, "title": text, "link": LINK, "prompt": text,
                               "due": WHEN},
            "activity_digest": {"items": [{"kind": "comment", "actor": text, "case": text,
                                           "link": LINK}]},
            "removals_to_staff": {"cohort": text, "link": LINK,
                                  "removed": [{"name": text, "titles": [text, text]}]}}[name]


def _naughty_text(name, text):
    return {"case_published": f"A new case is out in {text}:\n\n{text}\n\nRead it: {LINK}"
                              + (f"\n\nHomework:\n{text}" if text else "") + f"\n\nDue: {WHEN}",
            "activity_digest": f"New on your homework:\n\n- {text} commented on your homework "
                               f"for “{text}”\n  {LINK}",
            "removals_to_staff": f"The participation sweep of {text} removed 1 learner who did "
                                 f"not hand in homework:\n\n- {text}: {text}、{text}\n\nThey "
                                 "were told respectfully; you can readmit them from the "
                                 f"membership log:\n{LINK}"}[name] + SIGNATURE


def test_mail_password_reset_queues_text_and_html(app):
    user = make_user(locale="en")

    notices.mail_password_reset(user=user, link=LINK, now=T0, key="reset:1")

    message = OutboxMessage.get()
    assert (message.subject, message.body, message.html_body) == render_mail(
        "password_reset", "en", link=LINK)
    assert message.body == (
        f"Open this link within one hour to choose a new password:\n{LINK}\n\n"
        "It works once. If you did not ask for it, ignore this mail: your password stays as "
        "it is.\n\n— learnclub")


def test_mail_slot_cancelled_tells_the_guest_always_and_members_as_sharing(app):
    guest, member = make_user(locale="zh_Hans_CN"), make_user(locale="en")
    slot = SimpleNamespace(id=4, starts_at=T0, cohort=SimpleNamespace(
        name="社群实验室", timezone="Asia/Shanghai"))

    for user, topic in ((guest, "社区团购"), (member, None)):
        talk_notices.mail_slot_cancelled(slot=slot, user=user, topic=topic,
                                    concerned=topic is not None, link=LINK, now=T0)

    rows = [(m.key, m.kind, m.subject, m.body, m.html_body is not None)
            for m in OutboxMessage.select().order_by(OutboxMessage.id)]
    assert rows == [
        (f"slot:4:cancelled:user:{guest.id}", "",
         "已取消：11月22日 周日 20:00（北京时间） 的嘉宾分享",
         "「社群实验室」在 11月22日 周日 20:00（北京时间） 的嘉宾分享已取消。\n\n"
         f"你的分享「社区团购」原定在这一场；群主会和你联系另选一周。\n\n{LINK}\n\n— learnclub",
         True),
        (f"slot:4:cancelled:user:{member.id}", "sharing",
         "Cancelled: guest sharing on Sun 22 Nov, 20:00 (Beijing time)",
         "The guest sharing of 社群实验室 on Sun 22 Nov, 20:00 (Beijing time) is "
         f"cancelled.\n\n{LINK}\n\n— learnclub", True)]
