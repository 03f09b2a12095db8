"""Delivering outbox messages: SMTP when LEARNCLUB_MAIL_URL is set, else the log.

LEARNCLUB_MAIL_URL forms: smtp://user:pass@host:25 (STARTTLS when offered),
smtps://user:pass@host:465 (TLS), smtp+plain://host:1025 (no TLS, for local relays).

Delivery is at least once: a sender stopped between the SMTP server taking a mail and the
outbox marking it sent sends it again. Every send of one outbox row carries the same
Message-ID (see `message_id`), so mail systems that drop duplicates drop that one.
"""
import hashlib
import html
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlparse

log = logging.getLogger("learnclub.mail")


def build_message(message, sender, *, footer="", headers=None):
    """The mail for an outbox row; `footer` and `headers` are added at send time only.

    A row with an HTML body becomes multipart/alternative: the text first, then the HTML,
    each with the footer (its HTML form is `footer.__html__()` when it has one). A row
    without (chat posts, mails queued before HTML existed) stays plain text.
    """
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to_addr
    # a header is one line: a cohort named with line-break characters must not stop its mail
    mail["Subject"] = " ".join(message.subject.splitlines())
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(message, sender)
    mail["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(message.body + (f"\n\n{footer}" if footer else ""))
    if getattr(message, "html_body", None):
        mail.add_alternative(_with_footer(message.html_body, footer), subtype="html")
    return mail


def message_id(message, sender):
    """<digest@sender's domain>, the digest of the outbox row (key, id, queued at): the same
    for every send of that row, different for any other. A message without a key (not from
    the outbox) gets a fresh one."""
    _name, at, domain = parseaddr(sender)[1].rpartition("@")
    domain = domain.strip("<>[] ") if at else ""
    try:
        domain = domain.encode("idna").decode("ascii") if domain else "localhost"
    except UnicodeError:
        domain = "localhost"
    key = getattr(message, "key", None)
    if not key:
        return make_msgid(domain=domain)
    row = f"{key}\n{getattr(message, 'id', '')}\n{getattr(message, 'created_at', '')}"
    return f"<{hashlib.sha256(row.encode()).hexdigest()[:40]}@{domain}>"


def _with_footer(document, footer):
    """The HTML document with the footer's HTML just before its </body> (or at its end)."""
    if not footer:
        return document
    if hasattr(footer, "__html__"):
        part = footer.__html__()
    else:  # a footer given as plain text only
        part = "<p>" + html.escape(footer).replace("\n", "<br>\n") + "</p>"
    head, end, tail = document.rpartition("</body>")
    return f"{head}{part}\n{end}{tail}" if end else f"{document}\n{part}"


def deliver(message, *, mail_url, sender, timeout=20, footer="", headers=None):
    """Send one outbox message, or log it when no mail server is configured."""
    if not mail_url:
        log.info("mail (not sent, no LEARNCLUB_MAIL_URL) to=%s subject=%s\n%s%s",
                 message.to_addr, message.subject, message.body,
                 f"\n\n{footer}" if footer else "")
        return
    url = urlparse(mail_url)
    mail = build_message(message, sender, footer=footer, headers=headers)
    if url.scheme == "smtps":
        client = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(url.hostname, url.port or 25, timeout=timeout)
    with client:
        client.ehlo()
        if url.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(mail)
