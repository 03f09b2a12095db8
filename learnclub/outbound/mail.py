"""Delivering outbox messages: SMTP when LEARNCLUB_MAIL_URL is set, else the log.

LEARNCLUB_MAIL_URL forms: smtp://user:pass@host:25 (STARTTLS when offered),
smtps://user:pass@host:465 (TLS), smtp+plain://host:1025 (no TLS, for local relays).

Delivery is at least once: a sender stopped between the SMTP server taking a mail and the
outbox marking it sent sends it again. Every send of one outbox row carries the same
Message-ID (see `message_id`), so mail systems that drop duplicates drop that one.

A row stored with extra headers (domain.reach.outbox.cohort_headers) is sent with them: its
cohort as `List-Id: "<name>" <slug.learnclub.<sender's domain>>`, and Reply-To. A batch of
mails goes over one SMTP connection (`Sender`), opened again after a failure.
"""
import hashlib
import html
import json
import logging
import re
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
    for name, value in {**stored_headers(message, sender), **(headers or {})}.items():
        mail[name] = value
    mail.set_content(message.body + (f"\n\n{footer}" if footer else ""))
    if getattr(message, "html_body", None):
        mail.add_alternative(_with_footer(message.html_body, footer), subtype="html")
    return mail


def sender_domain(sender):
    """The domain of the sender's address, as ASCII (IDNA); "localhost" if it has none."""
    _name, at, domain = parseaddr(sender)[1].rpartition("@")
    domain = domain.strip("<>[] ") if at else ""
    try:
        return domain.encode("idna").decode("ascii") if domain else "localhost"
    except UnicodeError:
        return "localhost"


def warn_if_local_sender(mail_url, sender):
    """Log a warning when mail really goes out (`mail_url` set) from a localhost address:
    filters drop such mail. True if it warned."""
    if not mail_url or sender_domain(sender) not in ("localhost", "localhost.localdomain"):
        return False
    log.warning("mail is sent from %r, a localhost address: set LEARNCLUB_MAIL_FROM to an "
                "address of your own domain, or filters will drop the mail", sender)
    return True


def stored_headers(message, sender):
    """The headers an outbox row was stored with (its `headers` JSON), ready to send:
    "list" [slug, name] as List-Id under the sender's domain, and a valid Reply-To."""
    try:
        stored = json.loads(getattr(message, "headers", None) or "{}")
    except ValueError:
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    headers = {}
    if isinstance(stored.get("list"), list) and len(stored["list"]) == 2:
        headers["List-Id"] = list_id(*stored["list"], sender)
    reply_to = parseaddr(" ".join(str(stored.get("Reply-To", "")).split()))[1]
    if "@" in reply_to:
        headers["Reply-To"] = reply_to
    return headers


def list_id(slug, name, sender):
    """RFC 2919: `"<cohort name>" <slug.learnclub.<sender's domain>>`; the name on one line,
    without quotes or brackets, left bare (as encoded words) when it is not ASCII."""
    ident = re.sub(r"[^a-z0-9-]+", "-", str(slug).lower(), flags=re.ASCII).strip("-")
    label = re.sub(r'["\\<>()\x00-\x1f\x7f]+', " ", " ".join(str(name).split())).strip()
    if label.isascii():
        label = f'"{label}"' if label else ""
    return f"{label} <{ident or 'cohort'}.learnclub.{sender_domain(sender)}>".lstrip()


def message_id(message, sender):
    """<digest@sender's domain>, the digest of the outbox row (key, id, queued at): the same
    for every send of that row, different for any other. A message without a key (not from
    the outbox) gets a fresh one."""
    domain = sender_domain(sender)
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
    """Send one outbox message (over a connection of its own), or log it when no mail
    server is configured."""
    with Sender(mail_url, sender=sender, timeout=timeout) as batch:
        batch.send(message, footer=footer, headers=headers)


class Sender:
    """Sends a batch of outbox messages over one SMTP connection, opened at the first mail
    and closed at the end (`with Sender(...) as batch: batch.send(m)`). After a failure the
    connection is dropped and the next mail opens a new one; a reused connection the server
    has closed meanwhile is opened again once for the same mail. Without `mail_url`, logs."""

    def __init__(self, mail_url, *, sender, timeout=20):
        self.mail_url, self.sender, self.timeout = mail_url, sender, timeout
        self._client = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, message, *, footer="", headers=None):
        if not self.mail_url:
            log.info("mail (not sent, no LEARNCLUB_MAIL_URL) to=%s subject=%s\n%s%s",
                     message.to_addr, message.subject, message.body,
                     f"\n\n{footer}" if footer else "")
            return
        mail = build_message(message, self.sender, footer=footer, headers=headers)
        reused = self._client is not None
        try:
            self._send(mail)
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            self._send(mail)  # the server had closed the idle connection: once more, anew

    def _send(self, mail):
        try:
            self._connected().send_message(mail)
        except Exception:
            self.close()
            raise

    def _connected(self):
        if self._client is None:
            self._client = _connect(urlparse(self.mail_url), self.timeout)
        return self._client

    def close(self):
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _connect(url, timeout):
    """An SMTP connection to `url`, greeted, on TLS when asked or offered, logged in."""
    if url.scheme == "smtps":
        client = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(url.hostname, url.port or 25, timeout=timeout)
    try:
        client.ehlo()
        if url.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
    except Exception:
        client.close()
        raise
    return client
