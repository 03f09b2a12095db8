"""Chat-group posts: an event's facts as a neutral message (title, paragraphs, link, names to
mention, data), in the cohort's language. Who is mentioned how on which robot:
chat_mentions.py. How each platform wants it (WeCom, Feishu, DingTalk,
generic JSON) is outbound/chat_formats.py: chat_posts and chat_hooks render with it when they
queue a post.
"""
import re

from learnclub.domain.participation.missing_list import group_name
from learnclub.domain.reach import chat_mentions
from learnclub.domain.reach.notices import NAMED, local_when
from learnclub.i18n import translations_for
from learnclub.outbound.chat_formats import Mention, Message, Span

PROMPT_MAX = 300  #: characters of a homework prompt a post quotes
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean(value):
    """Text as it can be encoded: a lone surrogate becomes U+FFFD (JSON strings stay valid)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, Mention):
        return Mention(_clean(value.text), _clean(value.address), _clean(value.name))
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
                                s.sep, s.unnamed) for s in spans])
                  for style, spans in paragraphs]
    return Message(event=event, title=_clean(title), paragraphs=paragraphs, url=url,
                   language=cohort.language, cohort_slug=cohort.slug,
                   cohort_name=_clean(cohort.name), data=_clean(data),
                   more=tr("… and %(more)d more"))


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


def homework_due(case, slot, missing, *, base_url, mention=chat_mentions.mention):
    """Homework due soon: due time, and who has not written yet (`missing`: users), each
    @-mentioned as `mention(user)` says (chat_mentions.mention for the robot; plain text
    without one)."""
    cohort, tr = case.cohort, _tr(case.cohort)
    mentions = [mention(u) for u in missing]
    url = f"{base_url}/c/{cohort.slug}/cases/{case.id}"
    paragraphs = [("text", [Span(tr("Due: %(when)s") % {"when": _when(slot.due_at, cohort)})])]
    if missing:
        paragraphs.append(("text", [Span(tr("Still to write (%(n)d):") % {"n": len(missing)}
                                         + " "),
                                    Span(names=tuple(mentions))]))
    else:
        paragraphs.append(("text", [Span(tr("Everyone has handed in. Thank you all!"))]))
    paragraphs.append(("text", [Span(tr("Write your homework"), href=url)]))
    data = {"case": _case_data(case, slot, url), "missing_count": len(missing),
            "missing": [{"name": group_name(u), "mention": m.text}
                        for u, m in zip(missing, mentions, strict=True)]}
    return _message("homework_due", cohort,
                    tr("Homework due soon: %(title)s") % {"title": case.title},
                    paragraphs, url, data)


def removals(cohort, users, *, base_url):
    """Who left after a participation sweep: how many, and the first notices.NAMED by name
    (the rest counted: "… and 9,950 more")."""
    tr = _tr(cohort)
    url = f"{base_url}/c/{cohort.slug}/"
    sep = "、" if cohort.language.startswith("zh") else ", "
    named = [group_name(u) for u in users[:NAMED]]
    paragraphs = [
        ("text", [Span(tr("Left for missing homework (%(n)d):") % {"n": len(users)} + " "),
                  Span(names=tuple(named), sep=sep, unnamed=len(users) - len(named))]),
        ("text", [Span(tr("The group's rule: whoever does not write homework leaves, so the "
                          "group stays small and alive. Anyone who left can ask the host to "
                          "be readmitted."))]),
        ("text", [Span(tr("Open the cohort page"), href=url)])]
    data = {"count": len(users), "removed": [{"name": name} for name in named],
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


def announcement(item, *, base_url):
    """A staff announcement (公告): its title, the start of its text and the link."""
    cohort, tr = item.cohort, _tr(item.cohort)
    url = f"{base_url}/c/{cohort.slug}/announcements/{item.id}"
    text = " ".join(item.body_md.split())
    if len(text) > PROMPT_MAX:
        text = text[:PROMPT_MAX] + "…"
    paragraphs = [("text", [Span(text)])] if text else []
    paragraphs.append(("text", [Span(tr("Read the announcement"), href=url)]))
    return _message("announcement", cohort, tr("Announcement: %(title)s") % {"title": item.title},
                    paragraphs, url, {"announcement": {"id": item.id, "title": item.title,
                                                       "body_md": item.body_md, "url": url}})


def member_introduced(cohort, user, tags, *, base_url, mention=chat_mentions.mention):
    """A member introduced themselves: a welcome with their introduction, what they can
    offer and what they are looking for (`tags`: introductions.Tags), and the directory."""
    tr = _tr(cohort)
    url = f"{base_url}/c/{cohort.slug}/members"
    sep = "、" if cohort.language.startswith("zh") else ", "
    paragraphs = [("text", [Span(tr("Please welcome") + " "), Span(names=(mention(user),))]),
                  ("quote", [Span(user.introduction.strip())])]
    if tags.offer:
        paragraphs.append(("text", [Span(tr("I can offer:"), bold=True), Span(" "),
                                    Span(names=tuple(tags.offer), sep=sep)]))
    if tags.seek:
        paragraphs.append(("text", [Span(tr("I'm looking for:"), bold=True), Span(" "),
                                    Span(names=tuple(tags.seek), sep=sep)]))
    paragraphs.append(("text", [Span(tr("Meet the members"), href=url)]))
    data = {"member": {"name": group_name(user), "introduction": user.introduction,
                       "offer": list(tags.offer), "seek": list(tags.seek)}}
    return _message("member_introduced", cohort,
                    tr("Welcome, %(name)s") % {"name": user.display_name}, paragraphs, url, data)


def trial_post(cohort, *, base_url):
    """The post a host sends to check that a robot works."""
    tr = _tr(cohort)
    url = f"{base_url}/c/{cohort.slug}/"
    paragraphs = [("text", [Span(tr("This group is connected to %(cohort)s: its news will "
                                    "appear here.") % {"cohort": cohort.name})]),
                  ("text", [Span(tr("Open the cohort page"), href=url)])]
    return _message("test", cohort, tr("Test post from learnclub"), paragraphs, url, {})
