"""Chat-group posts: an event's facts as a neutral message (title, paragraphs, link), in the
cohort's language, and that message as each platform documents it: 企业微信 (WeCom) and
钉钉 (DingTalk) markdown, 飞书 (Feishu) rich-text post, or generic JSON.

Bodies are stored unsigned in the outbox; learnclub.chat signs them when it sends. User text
(titles, topics, nicknames) is data: JSON comes from json.dumps, markdown is escaped.
"""
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from learnclub.domain.participation.missing_list import group_name, mention
from learnclub.domain.reach.notices import local_when
from learnclub.i18n import translations_for

#: bytes a platform takes. WeCom documents 4096 for markdown content; DingTalk documents no
#: exact cap, so it gets WeCom's; Feishu takes request bodies up to 20 KB (room left to sign)
LIMITS = {"wecom": 4096, "dingtalk": 4096, "feishu": 19_000}
PROMPT_MAX = 300  #: characters of a homework prompt a post quotes
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>])")
_LINK_SPECIAL = re.compile(r"([\\`*\[\]<>()])")
_URL_SAFE = "/:?#&=%@+,;~!$*'"  #: kept in link addresses; ( ) [ ] < > and spaces are encoded
_ORDERED = re.compile(r"^(\d+)([.)])")


@dataclass(frozen=True)
class Span:
    """A piece of a line: text, a link (href set) or a list of names (shortened to fit)."""

    text: str = ""
    href: str = ""
    bold: bool = False
    names: tuple = ()
    sep: str = " "


@dataclass
class Message:
    """What a post says, before any platform's format."""

    event: str
    cohort: object
    title: str
    paragraphs: list  #: (style, [Span]) pairs; style "text" or "quote"
    url: str
    data: dict = field(default_factory=dict)
    more: str = "… and %(more)d more"  #: the translated end of a shortened name list


def _clean(value):
    """Text as it can be encoded: a lone surrogate becomes U+FFFD (JSON strings stay valid)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _tr(cohort):
    return translations_for(cohort.language).gettext


def _when(instant, cohort):
    return local_when(instant, cohort.timezone, cohort.language)


def _message(event, cohort, title, paragraphs, url, data):
    tr = _tr(cohort)
    paragraphs = paragraphs + [("text", [Span(f"{cohort.name} · learnclub")])]
    paragraphs = [(style, [Span(_clean(s.text), s.href, s.bold, tuple(_clean(list(s.names))),
                                s.sep) for s in spans]) for style, spans in paragraphs]
    return Message(event, cohort, _clean(title), paragraphs, url, _clean(data),
                   tr("… and %(more)d more"))


def _case_data(case, slot, url):
    return {"id": case.id, "title": case.title, "homework_prompt": case.homework_prompt,
            "publish_at": slot.publish_at.isoformat(), "due_at": slot.due_at.isoformat(),
            "url": url}


def _talk_data(talk):
    slot = talk.slot if talk.slot_id is not None else None
    return {"id": talk.id, "topic": talk.topic, "guest": talk.guest.display_name,
            "guest_title": talk.title_snapshot, "number": talk.number,
            "starts_at": slot.starts_at.isoformat() if slot else None,
            "minutes": slot.minutes if slot else None}


def _guest_line(talk, tr):
    values = {"guest": talk.guest.display_name, "title": talk.title_snapshot}
    if talk.title_snapshot.strip():
        return tr("Guest: %(guest)s, %(title)s") % values
    return tr("Guest: %(guest)s") % values


def case_published(case, slot, *, base_url):
    """A new case: title, homework prompt, due time and link."""
    cohort, tr = case.cohort, _tr(case.cohort)
    url = f"{base_url}/c/{cohort.slug}/cases/{case.id}"
    paragraphs = []
    prompt = case.homework_prompt.strip()
    if prompt:
        if len(prompt) > PROMPT_MAX:
            prompt = prompt[:PROMPT_MAX] + "…"
        paragraphs.append(("quote", [Span(tr("Homework:"), bold=True), Span(" " + prompt)]))
    paragraphs += [("text", [Span(tr("Due: %(when)s") % {"when": _when(slot.due_at, cohort)})]),
                   ("text", [Span(tr("Read the case and write your homework"), href=url)])]
    return _message("case_published", cohort, tr("New case: %(title)s") % {"title": case.title},
                    paragraphs, url, {"case": _case_data(case, slot, url)})


def homework_due(case, slot, missing, *, base_url):
    """Homework due soon: due time, and who has not written yet (`missing`: users)."""
    cohort, tr = case.cohort, _tr(case.cohort)
    url = f"{base_url}/c/{cohort.slug}/cases/{case.id}"
    paragraphs = [("text", [Span(tr("Due: %(when)s") % {"when": _when(slot.due_at, cohort)})])]
    if missing:
        paragraphs.append(("text", [Span(tr("Still to write (%(n)d):") % {"n": len(missing)}
                                         + " "),
                                    Span(names=tuple(mention(u) for u in missing))]))
    else:
        paragraphs.append(("text", [Span(tr("Everyone has handed in. Thank you all!"))]))
    paragraphs.append(("text", [Span(tr("Write your homework"), href=url)]))
    data = {"case": _case_data(case, slot, url), "missing_count": len(missing),
            "missing": [{"name": group_name(u), "mention": mention(u)} for u in missing]}
    return _message("homework_due", cohort,
                    tr("Homework due soon: %(title)s") % {"title": case.title},
                    paragraphs, url, data)


def removals(cohort, users, *, base_url):
    """Who left after a participation sweep: count and names."""
    tr = _tr(cohort)
    url = f"{base_url}/c/{cohort.slug}/"
    sep = "、" if cohort.language.startswith("zh") else ", "
    paragraphs = [
        ("text", [Span(tr("Left for missing homework (%(n)d):") % {"n": len(users)} + " "),
                  Span(names=tuple(group_name(u) for u in users), sep=sep)]),
        ("text", [Span(tr("The group's rule: whoever does not write homework leaves, so the "
                          "group stays small and alive. Anyone who left can ask the host to "
                          "be readmitted."))]),
        ("text", [Span(tr("Open the cohort page"), href=url)])]
    data = {"count": len(users), "removed": [{"name": group_name(u)} for u in users],
            "log_url": f"{base_url}/c/{cohort.slug}/audit"}
    return _message("removals", cohort, tr("Members who left %(cohort)s") % {
        "cohort": cohort.name}, paragraphs, url, data)


def guest_week(talk, which, *, base_url):
    """This week's guest, the day before (`which` "eve") or on the day ("day")."""
    cohort, tr = talk.cohort, _tr(talk.cohort)
    url = f"{base_url}/c/{cohort.slug}/calendar"
    titles = {"eve": tr("Tomorrow's guest sharing: %(topic)s"),
              "day": tr("Today's guest sharing: %(topic)s")}
    paragraphs = [("text", [Span(_guest_line(talk, tr))]),
                  ("text", [Span(tr("Time: %(when)s") % {
                      "when": _when(talk.slot.starts_at, cohort)})]),
                  ("text", [Span(tr("See the sharing calendar"), href=url)])]
    return _message("guest_week", cohort, titles[which] % {"topic": talk.topic}, paragraphs,
                    url, {"which": which, "talk": _talk_data(talk)})


def archive_entry(talk, *, base_url):
    """A session took its number in the archive (第N期): number, topic, guest, link."""
    cohort, tr = talk.cohort, _tr(talk.cohort)
    url = f"{base_url}/c/{cohort.slug}/archive/{talk.number}"
    paragraphs = [("text", [Span(_guest_line(talk, tr))]),
                  ("text", [Span(tr("Read the transcript"), href=url)])]
    title = tr("Session %(n)d is in the archive: %(topic)s") % {"n": talk.number,
                                                                 "topic": talk.topic}
    return _message("archive_entry", cohort, title, paragraphs, url,
                    {"number": talk.number, "talk": _talk_data(talk)})


def trial_post(cohort, *, base_url):
    """The post a host sends to check that a robot works."""
    tr = _tr(cohort)
    url = f"{base_url}/c/{cohort.slug}/"
    paragraphs = [("text", [Span(tr("This group is connected to %(cohort)s: its news will "
                                    "appear here.") % {"cohort": cohort.name})]),
                  ("text", [Span(tr("Open the cohort page"), href=url)])]
    return _message("test", cohort, tr("Test post from learnclub"), paragraphs, url, {})


# Formats --------------------------------------------------------------------------------------

def _one_line(text):
    return _BREAKS.sub(" ", text)


def _clip(text, clip):
    return text if clip is None or len(text) <= clip else text[:clip] + "…"


def _names(span, shown, more):
    text = span.sep.join(_one_line(n) for n in span.names[:shown])
    if shown < len(span.names):
        text += (" " if text else "") + more % {"more": len(span.names) - shown}
    return text


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


def _md_span(span, shown, clip, more):
    if span.names:
        return md_text(_names(span, shown, more))
    text = _clip(span.text, clip)
    if span.href:
        return md_link(text, span.href)
    return f"**{md_text(text)}**" if span.bold else md_text(text)


def _markdown(message, shown, clip, *, heading, gap):
    lines = [heading + md_text(_clip(message.title, clip))]
    for style, spans in message.paragraphs:
        line = _md_line("".join(_md_span(s, shown, clip, message.more) for s in spans))
        lines.append("> " + line if style == "quote" else line)
    return gap.join(lines)


def _plain(message):
    lines = [_one_line(message.title)]
    for _style, spans in message.paragraphs:
        lines.append("".join(_names(s, len(s.names), message.more) if s.names else
                             f"{_one_line(s.text)}: {s.href}" if s.href else _one_line(s.text)
                             for s in spans))
    return "\n".join(lines)


def _wecom(message, shown, clip):
    content = _markdown(message, shown, clip, heading="## ", gap="\n")
    return {"msgtype": "markdown", "markdown": {"content": content}}, content


def _dingtalk(message, shown, clip):
    text = _markdown(message, shown, clip, heading="#### ", gap="\n\n")
    title = _one_line(_clip(message.title, clip))
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}, text


def _feishu(message, shown, clip):
    rows = [[{"tag": "a", "text": _one_line(_clip(s.text, clip)), "href": s.href} if s.href
             else {"tag": "text", "text": _names(s, shown, message.more) if s.names
                   else _one_line(_clip(s.text, clip))} for s in spans]
            for _style, spans in message.paragraphs]
    language = "zh_cn" if message.cohort.language.startswith("zh") else "en_us"
    body = {"msg_type": "post", "content": {"post": {language: {
        "title": _one_line(_clip(message.title, clip)), "content": rows}}}}
    return body, json.dumps(body, ensure_ascii=False)


def _name_count(message):
    return max([len(s.names) for _style, spans in message.paragraphs for s in spans] + [0])


def _generic(message):
    cohort = message.cohort
    return {"event": message.event, "cohort": {"slug": cohort.slug, "name": _clean(cohort.name)},
            "title": message.title, "text": _plain(message),
            "markdown": _markdown(message, _name_count(message), None, heading="## ",
                                  gap="\n\n"),
            "url": message.url, "data": message.data}


def _fit(build, message, limit):
    """The body with as many names, then as much text, as fit in `limit` UTF-8 bytes."""
    total = _name_count(message)

    def fits(shown, clip):
        return len(build(message, shown, clip)[1].encode()) <= limit

    def largest(low, high, ok):  # the largest n in low..high with ok(n), else low
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if ok(middle) else (low, middle - 1)
        return low

    shown = largest(0, total, lambda n: fits(n, None))
    if fits(shown, None):
        return build(message, shown, None)[0]
    clip = largest(1, PROMPT_MAX, lambda n: fits(0, n))
    return build(message, 0, clip)[0]


def render(kind, message):
    """The platform's JSON body for the message (unsigned), as stored in the outbox."""
    if kind == "generic":
        body = _generic(message)
    else:
        build = {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[kind]
        body = _fit(build, message, LIMITS[kind])
    return json.dumps(body, ensure_ascii=False)
