"""Delivering chat-group posts: sign the stored body as the robot's platform documents it and
POST it, the whole delivery (looking up the name, connecting, sending, the answer) within one
wall-clock deadline. No database work here: the job loads the hook first.

Robots are public services: an address that resolves to a loopback, private, link-local,
multicast, reserved or unspecified address is refused at send time (checked after DNS, then
connected to that very address, so a name cannot change its answer in between) unless the
operator allows it (LEARNCLUB_CHAT_ALLOW_PRIVATE=1). Redirects are not followed, no proxy is
used, and an error keeps only the status and a short reason, never the answer itself.

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
import http.client
import json
from http import HTTPStatus
from urllib.parse import quote

from learnclub import clock
from learnclub.outbound import robot_http

REASON_MAX = 100  #: characters of the platform's own reason (errmsg) kept in the error
REFUSED = "refused: the address is in a private network"


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


def _short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= REASON_MAX else text[:REASON_MAX] + "…"


def check_answer(kind, status, raw):
    """Raise DeliveryError unless the platform took the post: a 2xx answer, and no
    WeCom/DingTalk errcode or Feishu code other than 0. The error names the status and, for
    a refusal in a 2xx answer, the platform's errmsg; the rest of an answer is never kept."""
    if not 200 <= status < 300:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        raise DeliveryError(f"HTTP {status} {phrase}".rstrip())
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    fields = answer if isinstance(answer, dict) else {}
    said = fields.get("errmsg") or fields.get("msg") or fields.get("message")
    code_field = {"wecom": "errcode", "dingtalk": "errcode", "feishu": "code"}.get(kind)
    code = fields.get(code_field, 0) if code_field else 0
    if code not in (0, "0", None):
        raise DeliveryError(_short(f"HTTP {status}, {code_field} {code}: {said or ''}"
                                   .rstrip(": ")))


def deliver(message, *, timeout, allow_private=False):
    """POST one chat post (message.hook loaded), all of it within `timeout` seconds of wall
    clock. Raises DeliveryError when the endpoint did not take it, or was refused: a private
    address without `allow_private`."""
    url, headers, body = signed_request(message)
    headers = dict(headers, **{"User-Agent": "learnclub"})
    try:
        status, raw = robot_http.post(url, body, headers, seconds=timeout,
                                      allow_private=allow_private)
    except robot_http.Refused:
        raise DeliveryError(REFUSED) from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout:g} s") from None
    except robot_http.CouldNotConnect as exc:
        raise DeliveryError(f"could not connect ({exc})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"request failed ({type(exc).__name__})") from None
    check_answer(message.hook.kind, status, raw)
