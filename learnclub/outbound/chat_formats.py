"""A chat-group post as each platform documents it: 企业微信 (WeCom) and 钉钉 (DingTalk)
markdown, 飞书 (Feishu) rich-text post, or generic JSON, cut to the platform's size limit.
A Mention that carries an address pings its member the platform's way: WeCom sends a text
message with `mentioned_mobile_list` (its markdown cannot ping by number), DingTalk writes
"@<mobile>" in the markdown and lists it in `at.atMobiles`, Feishu puts an `at` element with the
`user_id` in the post. Whether a mention carries one is decided in domain/reach/chat_mentions.py.

It takes a neutral Message (what a post says: title, paragraphs of spans, link, data; built by
domain/reach/chat_messages.py) and knows nothing of cohorts or the database. Bodies are
stored unsigned in the outbox; outbound/chat.py signs them when it sends. User text (titles,
topics, nicknames) is data: JSON comes from json.dumps, markdown is escaped.
"""
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

#: bytes a platform takes. WeCom documents 4096 for markdown content; DingTalk documents no
#: exact cap, so it gets WeCom's; Feishu takes request bodies up to 20 KB (room left to sign)
LIMITS = {"wecom": 4096, "dingtalk": 4096, "feishu": 19_000}
#: bytes of a text message's content: WeCom documents 2048
TEXT_LIMITS = {"wecom": 2048}
CLIP_MAX = 300  #: characters of one text kept at most when a body has to be cut to fit
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>])")
_LINK_SPECIAL = re.compile(r"([\\`*\[\]<>()])")
_URL_SAFE = "/:?#&=%@+,;~!$*'"  #: kept in link addresses; ( ) [ ] < > and spaces are encoded
_ORDERED = re.compile(r"^(\d+)([.)])")


@dataclass(frozen=True)
class Mention:
    """An @-mention in a list of names: what the group reads ("@nickname"), and the address
    the platform pings the member by (a mobile number, a Feishu user id), "" for none."""

    text: str
    address: str = ""
    name: str = ""  #: the name without "@", for Feishu's `user_name`


@dataclass(frozen=True)
class Span:
    """A piece of a line: text, a link (href set) or a list of names (strings or Mentions,
    shortened to fit; `unnamed` more people not in it, counted in its "… and N more")."""

    text: str = ""
    href: str = ""
    bold: bool = False
    names: tuple = ()
    sep: str = " "
    unnamed: int = 0


@dataclass
class Message:
    """What a post says, before any platform's format. Its text is already fit to encode."""

    event: str
    title: str
    paragraphs: list  #: (style, [Span]) pairs; style "text" or "quote"
    url: str
    language: str  #: the group's language, e.g. "zh_Hans_CN" or "en"
    cohort_slug: str
    cohort_name: str
    data: dict = field(default_factory=dict)
    more: str = "… and %(more)d more"  #: the translated end of a shortened name list


def _one_line(text):
    return _BREAKS.sub(" ", text)


def _clip(text, clip):
    return text if clip is None or len(text) <= clip else text[:clip] + "…"


def _name_text(name, ping=False):
    """A name as the text shows it: with `ping`, a mention with an address as "@<address>"."""
    if isinstance(name, Mention):
        return "@" + name.address if ping and name.address else name.text
    return name


def _pinged(name):
    return isinstance(name, Mention) and bool(name.address)


def _addresses(message, shown):
    """The addresses of the mentions shown (the first `shown` of each list), once each."""
    found = [n.address for _style, spans in message.paragraphs for s in spans
             for n in s.names[:shown] if _pinged(n)]
    return list(dict.fromkeys(found))


def _names(span, shown, more, ping=False):
    text = span.sep.join(_one_line(_name_text(n, ping)) for n in span.names[:shown])
    if _hidden(span, shown):
        text += (" " if text else "") + more % {"more": _hidden(span, shown)}
    return text


def _hidden(span, shown):
    """How many of the list's people a text showing `shown` of its names leaves unnamed."""
    return max(len(span.names) - shown, 0) + span.unnamed


def md_text(text):
    """User text as markdown shows it literally: one line, markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text))


def md_link(text, href):
    """A markdown link whose text cannot close early and whose address has no ( ) or spaces."""
    label = _LINK_SPECIAL.sub(r"\\\1", _one_line(text))
    return f"[{label}]({quote(href, safe=_URL_SAFE)})"


def _md_line(line):
    """Escape what would turn the start of a line into a heading or a list."""
    if _ORDERED.match(line):
        return _ORDERED.sub(r"\1\\\2", line, count=1)
    return "\\" + line if line[:1] in ("#", "-", "+", "=", "|") else line


def _md_span(span, shown, clip, more, ping):
    if span.names:
        return md_text(_names(span, shown, more, ping))
    text = _clip(span.text, clip)
    if span.href:
        return md_link(text, span.href)
    return f"**{md_text(text)}**" if span.bold else md_text(text)


def _markdown(message, shown, clip, *, heading, gap, ping=False):
    lines = [heading + md_text(_clip(message.title, clip))]
    for style, spans in message.paragraphs:
        line = _md_line("".join(_md_span(s, shown, clip, message.more, ping) for s in spans))
        lines.append("> " + line if style == "quote" else line)
    return gap.join(lines)


def _plain(message, shown=None, clip=None):
    lines = [_one_line(_clip(message.title, clip))]
    for _style, spans in message.paragraphs:
        lines.append("".join(
            _names(s, len(s.names) if shown is None else shown, message.more) if s.names else
            f"{_one_line(_clip(s.text, clip))}: {s.href}" if s.href
            else _one_line(_clip(s.text, clip)) for s in spans))
    return "\n".join(lines)


def _wecom(message, shown, clip):
    mobiles = _addresses(message, shown)
    if mobiles:  # only a text message pings by number
        content = _plain(message, shown, clip)
        return {"msgtype": "text", "text": {"content": content,
                                            "mentioned_mobile_list": mobiles}}, content
    content = _markdown(message, shown, clip, heading="## ", gap="\n")
    return {"msgtype": "markdown", "markdown": {"content": content}}, content


def _dingtalk(message, shown, clip):
    text = _markdown(message, shown, clip, heading="#### ", gap="\n\n", ping=True)
    title = _one_line(_clip(message.title, clip))
    body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    mobiles = _addresses(message, shown)
    if mobiles:  # DingTalk pings the numbers listed here that the text names as "@<number>"
        body["at"] = {"atMobiles": mobiles, "isAtAll": False}
    return body, text


def _feishu_names(span, shown, more):
    """A list of names as post elements: pinged mentions as `at` elements, the rest text."""
    if not any(_pinged(n) for n in span.names[:shown]):
        return [{"tag": "text", "text": _names(span, shown, more)}]
    elements, text = [], ""
    for index, name in enumerate(span.names[:shown]):
        text += span.sep if index else ""
        if _pinged(name):
            if text:
                elements.append({"tag": "text", "text": text})
            elements.append({"tag": "at", "user_id": name.address,
                             "user_name": _one_line(name.name)})
            text = ""
        else:
            text += _one_line(_name_text(name))
    if _hidden(span, shown):
        text += " " + more % {"more": _hidden(span, shown)}
    return elements + ([{"tag": "text", "text": text}] if text else [])


def _feishu_row(spans, shown, clip, more):
    row = []
    for s in spans:
        if s.href:
            row.append({"tag": "a", "text": _one_line(_clip(s.text, clip)), "href": s.href})
        elif s.names:
            row += _feishu_names(s, shown, more)
        else:
            row.append({"tag": "text", "text": _one_line(_clip(s.text, clip))})
    return row


def _feishu(message, shown, clip):
    rows = [_feishu_row(spans, shown, clip, message.more) for _style, spans in message.paragraphs]
    language = "zh_cn" if message.language.startswith("zh") else "en_us"
    body = {"msg_type": "post", "content": {"post": {language: {
        "title": _one_line(_clip(message.title, clip)), "content": rows}}}}
    return body, json.dumps(body, ensure_ascii=False)


def _name_count(message):
    return max([len(s.names) for _style, spans in message.paragraphs for s in spans] + [0])


def _generic(message):
    return {"event": message.event,
            "cohort": {"slug": message.cohort_slug, "name": message.cohort_name},
            "title": message.title, "text": _plain(message),
            "markdown": _markdown(message, _name_count(message), None, heading="## ",
                                  gap="\n\n"),
            "url": message.url, "data": message.data}


def _largest(low, high, ok):
    """The largest n in low..high with ok(n), else low (ok holds up to some n, then not)."""
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if ok(middle) else (low, middle - 1)
    return low


def _fit(kind, build, message):
    """The body with as many names, then as much text, as fit in the platform's limit of
    UTF-8 bytes (a text message's, when the body is one)."""

    def fits(shown, clip):
        body, measured = build(message, shown, clip)
        limit = TEXT_LIMITS[kind] if body.get("msgtype") == "text" else LIMITS[kind]
        return len(measured.encode()) <= limit

    shown = _largest(0, _name_count(message), lambda n: fits(n, None))
    if fits(shown, None):
        return build(message, shown, None)[0]
    clip = _largest(1, CLIP_MAX, lambda n: fits(0, n))
    return build(message, 0, clip)[0]


def render(kind, message):
    """The platform's JSON body for the message (unsigned), as stored in the outbox."""
    if kind == "generic":
        body = _generic(message)
    else:
        build = {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[kind]
        body = _fit(kind, build, message)
    return json.dumps(body, ensure_ascii=False)
