"""Delivering chat-group posts: sign the stored body as the robot's platform documents it and
POST it, with a timeout on every step. No database work here: the job loads the hook first.

- WeCom (企业微信) group robot: the body as it is.
- Feishu (飞书) custom bot with a secret: "timestamp" (unix seconds) and "sign" =
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")) added to the body.
- DingTalk (钉钉) custom robot with a secret: &timestamp=<ms>&sign=<urlquoted
  base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))> added to the address.
- generic: X-Learnclub-Event, X-Learnclub-Delivery (the outbox key) and, with a secret,
  X-Learnclub-Timestamp and X-Learnclub-Signature = "sha256=" + hex HMAC-SHA256(secret,
  f"{timestamp}.{raw body}").
"""
import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote

import requests
from urllib3.exceptions import ReadTimeoutError

from learnclub import clock

ANSWER_MAX = 64 * 1024  #: bytes of an answer read at most
ERROR_MAX = 300  #: characters of the platform's message kept in the error


class DeliveryError(Exception):
    """The endpoint did not take the post; the message says why, without the address."""


def _hmac(key, message):
    return hmac.new(key.encode(), message, hashlib.sha256)


def signed_request(message):
    """(url, headers, body bytes) for the message's hook, signed for its platform now."""
    hook, body = message.hook, message.body.encode()
    url, headers = hook.url, {"Content-Type": "application/json; charset=utf-8"}
    seconds = int(clock.now().timestamp())
    if hook.kind == "feishu" and hook.secret:
        data = json.loads(message.body)
        data["timestamp"] = str(seconds)
        digest = _hmac(f"{seconds}\n{hook.secret}", b"").digest()
        data["sign"] = base64.b64encode(digest).decode()
        body = json.dumps(data, ensure_ascii=False).encode()
    elif hook.kind == "dingtalk" and hook.secret:
        millis = str(seconds * 1000)
        digest = _hmac(hook.secret, f"{millis}\n{hook.secret}".encode()).digest()
        sign = quote(base64.b64encode(digest).decode(), safe="")
        url += ("&" if "?" in url else "?") + f"timestamp={millis}&sign={sign}"
    elif hook.kind == "generic":
        headers = {"Content-Type": "application/json", "X-Learnclub-Event": message.kind,
                   "X-Learnclub-Delivery": message.key}
        if hook.secret:
            signature = _hmac(hook.secret, f"{seconds}.".encode() + body).hexdigest()
            headers.update({"X-Learnclub-Timestamp": str(seconds),
                            "X-Learnclub-Signature": f"sha256={signature}"})
    return url, headers, body


def _read_answer(response, deadline):
    """At most ANSWER_MAX bytes of the answer, stopping at the deadline."""
    chunks, size = [], 0
    for chunk in response.iter_content(8192):
        chunks.append(chunk)
        size += len(chunk)
        if size >= ANSWER_MAX or time.monotonic() > deadline:
            break
    return b"".join(chunks)[:ANSWER_MAX]


def _short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_MAX else text[:ERROR_MAX] + "…"


def check_answer(kind, status, raw):
    """Raise DeliveryError unless the platform took the post: a 2xx answer, and no
    WeCom/DingTalk errcode or Feishu code other than 0."""
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    fields = answer if isinstance(answer, dict) else {}
    said = fields.get("errmsg") or fields.get("msg") or fields.get("message")
    if not 200 <= status < 300:
        detail = said if said else raw.decode("utf-8", "replace")
        raise DeliveryError(_short(f"HTTP {status}: {detail}".rstrip(": ")))
    code_field = {"wecom": "errcode", "dingtalk": "errcode", "feishu": "code"}.get(kind)
    code = fields.get(code_field, 0) if code_field else 0
    if code not in (0, "0", None):
        raise DeliveryError(_short(f"HTTP {status}, {code_field} {code}: {said or ''}"
                                   .rstrip(": ")))


def deliver(message, *, timeout):
    """POST one chat post (message.hook loaded) with `timeout` seconds for connecting, for
    each read and for the answer. Raises DeliveryError when the endpoint did not take it."""
    url, headers, body = signed_request(message)
    try:
        with requests.post(url, data=body, headers=headers, timeout=(timeout, timeout),
                           allow_redirects=False, stream=True) as response:
            raw = _read_answer(response, time.monotonic() + timeout)
            status = response.status_code
    except requests.Timeout:
        raise DeliveryError(f"no answer within {timeout:g} s") from None
    except requests.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):  # while reading the answer
            raise DeliveryError(f"no answer within {timeout:g} s") from None
        raise DeliveryError(f"could not connect ({type(exc).__name__})") from None
    except requests.RequestException as exc:
        raise DeliveryError(f"request failed ({type(exc).__name__})") from None
    check_answer(message.hook.kind, status, raw)
