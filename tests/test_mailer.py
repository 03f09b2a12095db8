"""Building the mail itself: headers stay valid whatever the names in them; a mail with HTML
goes as text + HTML (multipart/alternative), an old row without it as text only."""
import json
import logging
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from learnclub import jobs
from learnclub.domain.reach import mail_footer, notices
from learnclub.domain.reach.mail_templates import render_mail
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.models import Membership, OutboxMessage
from learnclub.outbound import mail as mailer
from learnclub.outbound.mail import build_message
from tests import corpora
from tests.factories import make_cohort, make_member, make_user
from tests.test_concurrency import (
    MAIL_FROM,
    RecordingHandler,
    _free_port,
    smtp,  # noqa: F401 - the real SMTP server fixture
)


def test_subject_with_line_breaks_still_makes_a_valid_mail():
    strings = corpora.naughty_strings()
    broken = []
    for text in strings:
        message = OutboxMessage(to_addr="a@example.org", subject=f"欢迎加入「{text}」",
                                body=f"正文 {text}")
        try:
            raw = build_message(message, "learnclub <noreply@example.org>").as_bytes()
        except ValueError as exc:
            broken.append((text, str(exc)))
            continue
        parsed = message_from_bytes(raw, policy=policy.default)
        if "\n" in str(parsed["Subject"]) or parsed.get_content().rstrip("\n") != f"正文 {text}":
            broken.append((text, "changed"))
    assert broken == []


# text + HTML ----------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HTML = '<!DOCTYPE html>\n<html lang="en">\n<body>\n<p>正文</p>\n</body>\n</html>'


def _parsed(mail):
    return message_from_bytes(mail.as_bytes(), policy=policy.default)


def _parts(mail):
    return [(part.get_content_type(), part.get_content_charset(),
             part.get_content().replace("\r\n", "\n")) for part in mail.iter_parts()]


def test_build_message_with_html_is_text_then_html_alternative():
    message = OutboxMessage(to_addr="a@example.org", subject="主题", body="正文",
                            html_body=HTML)

    mail = _parsed(build_message(message, "learnclub <noreply@example.org>"))

    assert mail.get_content_type() == "multipart/alternative"
    assert _parts(mail) == [("text/plain", "utf-8", "正文\n"), ("text/html", "utf-8", HTML + "\n")]


def test_build_message_without_html_stays_plain_text():
    message = OutboxMessage(to_addr="a@example.org", subject="主题", body="正文")

    mail = _parsed(build_message(message, "learnclub <noreply@example.org>",
                                 footer="All mail settings: https://x/me/notifications"))

    assert (mail.get_content_type(), mail.get_content()) == (
        "text/plain", "正文\n\nAll mail settings: https://x/me/notifications\n")


def test_build_message_puts_the_footer_in_both_parts():
    message = OutboxMessage(to_addr="a@example.org", subject="主题", body="正文",
                            html_body=HTML)
    footer = mail_footer.Footer("Settings: https://x/s", '<p><a href="https://x/s">s</a></p>')

    mail = _parsed(build_message(message, "learnclub <noreply@example.org>", footer=footer))

    assert [text for _type, _charset, text in _parts(mail)] == [
        "正文\n\nSettings: https://x/s\n",
        HTML.replace("</body>", '<p><a href="https://x/s">s</a></p>\n</body>') + "\n"]


def test_build_message_naughty_subject_and_html_stay_valid():
    broken = []
    for text in corpora.naughty_strings():
        subject, body, html = render_mail("removed", "zh_Hans_CN", cohort=text,
                                          titles=[text], link="https://x/c/lab")
        message = OutboxMessage(to_addr="a@example.org", subject=subject, body=body,
                                html_body=html)
        try:
            mail = _parsed(build_message(message, "learnclub <noreply@example.org>"))
        except ValueError as exc:
            broken.append((text, str(exc)))
            continue
        parts = _parts(mail)
        if ("\n" in str(mail["Subject"]) or [t for t, _c, _x in parts] != [
                "text/plain", "text/html"] or parts[0][2] != body + "\n"
                or parts[1][2] != html + "\n" or any(p.defects for p in mail.walk())):
            broken.append((text, "changed"))
    assert broken == []


def test_send_outbox_mail_arrives_as_text_and_html_over_smtp(app, smtp):  # noqa: F811
    user = make_user(locale="en")
    cohort = make_cohort(name="Lab <&> “社群”")
    make_member(cohort, user)
    notices.mail_removed(membership=Membership.get(Membership.user == user), titles=["案例一"],
                         link="https://learn.example.org/c/lab", now=NOW)
    settings = dict(app.config, MAIL_URL=smtp.url, MAIL_FROM=MAIL_FROM)

    result = jobs.send_outbox(settings, now=NOW)

    [envelope] = smtp.envelopes
    mail = message_from_bytes(envelope.content, policy=policy.default)
    stored = OutboxMessage.get()
    settings_url = f"{settings['BASE_URL']}/me/notifications"
    [text, html] = [part for _type, _charset, part in _parts(mail)]
    assert result == (1, 0)
    assert [(t, c) for t, c, _part in _parts(mail)] == [("text/plain", "utf-8"),
                                                        ("text/html", "utf-8")]
    assert (mail.get_content_type(), str(mail["MIME-Version"])) == ("multipart/alternative",
                                                                    "1.0")
    assert (str(mail["From"]), str(mail["To"]), str(mail["Subject"])) == (
        MAIL_FROM, user.email, "You have left Lab <&> “社群”")
    assert (str(mail["Auto-Submitted"]), bool(mail["Date"]), bool(mail["Message-ID"])) == (
        "auto-generated", True, True)
    assert [p.defects for p in mail.walk()] == [[], [], []]
    assert text == f"{stored.body}\n\nAll mail settings: {settings_url}\n"
    assert html.startswith(stored.html_body.removesuffix("</body>\n</html>"))
    assert "Lab &lt;&amp;&gt; “社群”" in html
    assert f'<a href="{settings_url}"' in html


# Message-ID: the same for every send of a row ---------------------------------------------------

def test_deliver_same_row_twice_carries_the_same_message_id_from_the_sender_domain(
        app, smtp):  # noqa: F811
    first = OutboxMessage(key="mail:removed:7", to_addr="a@example.org", subject="主题",
                          body="正文")
    second = OutboxMessage(key="mail:removed:8", to_addr="a@example.org", subject="主题",
                           body="正文")

    for message in (first, first, second):  # the first again: a crash before it was marked
        mailer.deliver(message, mail_url=smtp.url, sender=MAIL_FROM)

    ids = [str(message_from_bytes(e.content, policy=policy.default)["Message-ID"])
           for e in smtp.envelopes]
    assert ids[0] == ids[1] != ids[2]
    assert [i.startswith("<") and i.endswith("@example.org>") for i in ids] == [True] * 3
    assert "learnclub" not in ids[0]


def test_build_message_id_follows_the_key_not_the_moment():
    message = OutboxMessage(key="mail:removed:7", to_addr="a@example.org", subject="s", body="b")

    ids = {str(build_message(message, "学习社群 <hello@mail.example.cn>")["Message-ID"])
           for _ in range(3)}

    assert len(ids) == 1
    assert ids.pop().endswith("@mail.example.cn>")


# mail that passes filters: List-Id, Reply-To, one connection a batch, the sender ----------------

class CountingHandler(RecordingHandler):
    """The recording SMTP handler that also tells the connections the mails came over."""

    def __init__(self):
        super().__init__()
        self.sessions = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.sessions.append(id(session))  # aiosmtpd keeps one session per connection
        return await super().handle_DATA(server, session, envelope)

    @property
    def connections(self):
        return len(set(self.sessions))


@pytest.fixture
def counting_smtp():
    """A real SMTP server on loopback that counts the connections mails arrive over."""
    handler = CountingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp+plain://127.0.0.1:{port}"
    yield handler
    controller.stop()


def _sent(handler):
    """{recipient: the parsed mail} of every mail the server took."""
    return {envelope.rcpt_tos[0]: message_from_bytes(envelope.content, policy=policy.default)
            for envelope in handler.envelopes}


def _membership(user):
    return Membership.get(Membership.user == user)


def test_cohort_mails_carry_their_cohorts_list_id_and_others_none(app, counting_smtp):
    lab, club = make_cohort(slug="lab", name="社群实验室"), make_cohort(slug="club", name="Club")
    learners = [make_member(lab), make_member(club)]
    for learner in learners:
        notices.mail_left(membership=_membership(learner), link="https://x/c", now=NOW)
    notices.mail_password_reset(user=learners[0], link="https://x/reset", now=NOW, key="reset")
    settings = dict(app.config, MAIL_URL=counting_smtp.url, MAIL_FROM="学习社群 <hi@mail.lc.org>")

    jobs.send_outbox(settings, now=NOW)

    mails = [message_from_bytes(e.content, policy=policy.default)
             for e in counting_smtp.envelopes]
    lab_mail = [m for m in mails if "lab" in str(m.get("List-Id", ""))][0]
    assert sorted(str(m.get("List-Id")) for m in mails) == [
        '"Club" <club.learnclub.mail.lc.org>', "None", "社群实验室 <lab.learnclub.mail.lc.org>"]
    assert "List-Id: =?utf-8?" in lab_mail.as_string()  # the name as encoded words
    assert [m.get("Reply-To") for m in mails] == [None] * 3  # none of them asks for a reply


def test_list_id_stays_one_valid_header_whatever_the_cohort_is_called():
    broken = []
    for text in corpora.naughty_strings():
        message = OutboxMessage(to_addr="a@example.org", subject="s", body="b", key="k",
                                headers=json.dumps({"list": [f"x{text}", text]}))
        try:
            mail = _parsed(build_message(message, "learnclub <noreply@example.org>"))
        except ValueError as exc:
            broken.append((text, str(exc)))
            continue
        value = str(mail["List-Id"])
        if "\n" in value or not value.endswith(".learnclub.example.org>") or mail.defects:
            broken.append((text, value))
    assert broken == []


def test_removal_notices_reply_to_the_first_active_host(app, counting_smtp):
    host = make_user(email="host@lab.org", can_host=True)
    later_host = make_user(email="second@lab.org")
    cohort = make_cohort(host=host, slug="lab", name="Lab")
    make_member(cohort, later_host, role="host")
    make_member(cohort, make_user(email="gone@lab.org"), role="host", status="removed")
    one, many, by_hand = make_member(cohort), make_member(cohort), make_member(cohort)
    notices.mail_removed(membership=_membership(one), titles=["案例一"], link="https://x/c",
                         now=NOW)
    notices.mail_removed_many(cohort, [(_membership(many), ["案例一"], None, ())],
                              link="https://x/c", now=NOW + timedelta(seconds=1))
    notices.mail_removed_by_host(membership=_membership(by_hand), reason="r",
                                 link="https://x/c", now=NOW)
    settings = dict(app.config, MAIL_URL=counting_smtp.url, MAIL_FROM=MAIL_FROM)

    jobs.send_outbox(settings, now=NOW + timedelta(seconds=1))

    mails = _sent(counting_smtp)
    assert {to: str(m["Reply-To"]) for to, m in mails.items()} == {
        one.email: "host@lab.org", many.email: "host@lab.org", by_hand.email: "host@lab.org"}
    assert {str(m["List-Id"]) for m in mails.values()} == {'"Lab" <lab.learnclub.example.org>'}


def test_a_batch_goes_over_one_smtp_connection(app, counting_smtp):
    for i in range(7):
        enqueue_mail(f"batch:{i}", to_addr=f"r{i}@example.org", subject="s", body="b", now=NOW)
    settings = dict(app.config, MAIL_URL=counting_smtp.url, MAIL_FROM=MAIL_FROM)

    result = jobs.send_outbox(settings, now=NOW)

    assert result == (7, 0)
    assert (len(counting_smtp.envelopes), counting_smtp.connections) == (7, 1)


def test_a_dropped_connection_is_opened_again_for_the_next_mail(counting_smtp):
    mails = [OutboxMessage(key=f"k{i}", to_addr=f"r{i}@example.org", subject="s", body="b")
             for i in range(3)]

    with mailer.Sender(counting_smtp.url, sender=MAIL_FROM) as batch:
        batch.send(mails[0])
        batch._client.close()  # the server (or a NAT) dropped the idle connection meanwhile
        batch.send(mails[1])
        batch.send(mails[2])

    assert sorted(e.rcpt_tos[0] for e in counting_smtp.envelopes) == [
        "r0@example.org", "r1@example.org", "r2@example.org"]
    assert counting_smtp.connections == 2


def test_a_failed_mail_does_not_stop_the_batch(app, counting_smtp):
    enqueue_mail("bad", to_addr="not an address\r\n@x", subject="s", body="b", now=NOW)
    enqueue_mail("good", to_addr="good@example.org", subject="s", body="b", now=NOW)
    settings = dict(app.config, MAIL_URL=counting_smtp.url, MAIL_FROM=MAIL_FROM)

    result = jobs.send_outbox(settings, now=NOW)

    assert result == (1, 1)
    assert [e.rcpt_tos for e in counting_smtp.envelopes] == [["good@example.org"]]
    assert OutboxMessage.get(OutboxMessage.key == "bad").last_error


def test_start_warns_when_real_mail_goes_from_localhost(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="learnclub.mail"):
        make_app(MAIL_URL="smtp://mail.example.org:25", MAIL_FROM="learnclub <noreply@localhost>")
        warned = [r.getMessage() for r in caplog.records if r.name == "learnclub.mail"]
        caplog.clear()
        make_app(MAIL_URL="smtp://mail.example.org:25", MAIL_FROM="learnclub <hi@example.org>")
        make_app(MAIL_URL="", MAIL_FROM="learnclub <noreply@localhost>")  # mail only logged

    assert len(warned) == 1
    assert "noreply@localhost" in warned[0]
    assert [r for r in caplog.records if r.name == "learnclub.mail"] == []
