"""Building the mail itself: headers stay valid whatever the names in them."""
from email import message_from_bytes, policy

from learnclub.models import OutboxMessage
from learnclub.outbound.mail import build_message
from tests import corpora


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
