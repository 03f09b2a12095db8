"""Building the mail itself: headers stay valid whatever the names in them; a mail with HTML
goes as text + HTML (multipart/alternative), an old row without it as text only."""
from datetime import UTC, datetime
from email import message_from_bytes, policy

from learnclub import jobs
from learnclub.domain.reach import mail_footer, notices
from learnclub.domain.reach.mail_templates import render_mail
from learnclub.models import Membership, OutboxMessage
from learnclub.outbound import mail as mailer
from learnclub.outbound.mail import build_message
from tests import corpora
from tests.factories import make_cohort, make_member, make_user
from tests.test_concurrency import MAIL_FROM, smtp  # noqa: F401 - the real SMTP server fixture


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
