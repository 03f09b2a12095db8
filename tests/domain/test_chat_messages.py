"""Chat-group posts in each platform's documented format, in the cohort's language: WeCom and
DingTalk markdown, Feishu rich-text post, generic JSON. User text never breaks a format.

Built from unsaved model rows: these are pure functions of an event's facts."""
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.domain.cases.schedule import Slot
from learnclub.domain.reach import chat_messages
from learnclub.domain.reach.chat_hooks import KINDS
from learnclub.i18n import translations_for
from learnclub.models import Case, Cohort, ShareSlot, Talk, User
from learnclub.outbound import chat_formats
from tests import corpora

BASE = "https://learn.example.org"
PUBLISH = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
START = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Sunday 20:00 in Shanghai
ZH = translations_for("zh_Hans_CN").gettext  # new strings: whatever the catalog says
BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")  # shown as one space


def cohort(language="zh_Hans_CN", name="社群实验室"):
    return Cohort(id=1, slug="lab", name=name, timezone="Asia/Shanghai", language=language)


def case_and_slot(lab, title="小区生鲜团购", prompt="第一周你会做哪三件事?"):
    case = Case(id=7, cohort=lab, title=title, homework_prompt=prompt)
    return case, Slot(case, PUBLISH, PUBLISH + timedelta(hours=72), PUBLISH + timedelta(hours=84))


def talk(lab, topic="从一个群到一张网", number=9):
    slot = ShareSlot(id=5, starts_at=START, minutes=60)
    return Talk(id=3, cohort=lab, guest=User(display_name="王嘉宾"), topic=topic,
                title_snapshot="某公司 CEO", number=number, slot=slot)


def body(kind, message):
    return json.loads(chat_formats.render(kind, message))


def test_case_published_wecom_zh_is_markdown_with_prompt_due_and_link():
    case, slot = case_and_slot(cohort())

    result = body("wecom", chat_messages.case_published(case, slot, base_url=BASE))

    assert result == {"msgtype": "markdown", "markdown": {"content": "\n".join([
        "## 新案例：小区生鲜团购",
        "> **作业：** 第一周你会做哪三件事?",
        "截止时间：12月6日 周日 20:00（北京时间）",
        f"[{ZH('Read the case and write your homework')}]({BASE}/c/lab/cases/7)",
        "社群实验室 · learnclub"])}}


def test_case_published_feishu_en_is_a_post_in_en_us():
    case, slot = case_and_slot(cohort("en"), title="Fresh produce", prompt="Three steps?")

    result = body("feishu", chat_messages.case_published(case, slot, base_url=BASE))

    assert result == {"msg_type": "post", "content": {"post": {"en_us": {
        "title": "New case: Fresh produce",
        "content": [
            [{"tag": "text", "text": "Homework:"}, {"tag": "text", "text": " Three steps?"}],
            [{"tag": "text", "text": "Due: Sun 6 Dec, 20:00 (Beijing time)"}],
            [{"tag": "a", "text": "Read the case and write your homework",
              "href": f"{BASE}/c/lab/cases/7"}],
            [{"tag": "text", "text": "社群实验室 · learnclub"}]]}}}}


def test_homework_due_dingtalk_en_names_who_still_has_to_write():
    case, slot = case_and_slot(cohort("en"), title="Fresh produce")
    missing = [User(display_name="王芳", group_nickname="小王"), User(display_name="Li Lei")]

    result = body("dingtalk", chat_messages.homework_due(case, slot, missing, base_url=BASE))

    assert result == {"msgtype": "markdown", "markdown": {
        "title": "Homework due soon: Fresh produce",
        "text": "\n\n".join([
            "#### Homework due soon: Fresh produce",
            "Due: Sun 6 Dec, 20:00 (Beijing time)",
            "Still to write (2): @小王 @Li Lei",
            f"[Write your homework]({BASE}/c/lab/cases/7)",
            "社群实验室 · learnclub"])}}


def test_homework_due_nobody_missing_thanks_everyone():
    case, slot = case_and_slot(cohort("en"))

    result = body("wecom", chat_messages.homework_due(case, slot, [], base_url=BASE))

    assert result["markdown"]["content"].splitlines()[2] == \
        "Everyone has handed in. Thank you all!"


def test_removals_generic_zh_carries_names_and_facts():
    lab = cohort()
    gone = [User(display_name="王芳", group_nickname="小王"), User(display_name="李雷")]

    result = body("generic", chat_messages.removals(lab, gone, base_url=BASE))

    title = ZH("Members who left %(cohort)s") % {"cohort": "社群实验室"}
    left = ZH("Left for missing homework (%(n)d):") % {"n": 2} + " 小王、李雷"
    rule = ZH("The group's rule: whoever does not write homework leaves, so the group stays "
              "small and alive. Anyone who left can ask the host to be readmitted.")
    link = ZH("Open the cohort page")
    assert result == {
        "event": "removals", "cohort": {"slug": "lab", "name": "社群实验室"}, "title": title,
        "text": "\n".join([title, left, rule, f"{link}: {BASE}/c/lab/", "社群实验室 · learnclub"]),
        "markdown": "\n\n".join([f"## {title}", left, rule, f"[{link}]({BASE}/c/lab/)",
                                 "社群实验室 · learnclub"]),
        "url": f"{BASE}/c/lab/",
        "data": {"count": 2, "removed": [{"name": "小王"}, {"name": "李雷"}],
                 "log_url": f"{BASE}/c/lab/audit"}}


@pytest.mark.parametrize(("which", "title"), [("eve", "Tomorrow's guest sharing: %(topic)s"),
                                              ("day", "Today's guest sharing: %(topic)s")])
def test_guest_week_wecom_en_says_topic_guest_and_time(which, title):
    result = body("wecom", chat_messages.guest_week(talk(cohort("en")), which, base_url=BASE))

    assert result["markdown"]["content"] == "\n".join([
        "## " + title % {"topic": "从一个群到一张网"},
        "Guest: 王嘉宾, 某公司 CEO",
        "Time: Sun 29 Nov, 20:00 (Beijing time)",
        f"[See the sharing calendar]({BASE}/c/lab/calendar)",
        "社群实验室 · learnclub"])


def test_archive_entry_feishu_zh_links_the_numbered_session():
    result = body("feishu", chat_messages.archive_entry(talk(cohort()), base_url=BASE))

    post = result["content"]["post"]["zh_cn"]
    assert post["title"] == ZH("Session %(n)d is in the archive: %(topic)s") % {
        "n": 9, "topic": "从一个群到一张网"}
    assert post["content"][1] == [{"tag": "a", "text": ZH("Read the transcript"),
                                   "href": f"{BASE}/c/lab/archive/9"}]


def test_archive_entry_generic_data_has_number_topic_guest():
    result = body("generic", chat_messages.archive_entry(talk(cohort("en")), base_url=BASE))

    assert (result["event"], result["url"], result["data"]) == (
        "archive_entry", f"{BASE}/c/lab/archive/9",
        {"number": 9, "talk": {"id": 3, "topic": "从一个群到一张网", "guest": "王嘉宾",
                               "guest_title": "某公司 CEO", "number": 9,
                               "starts_at": "2026-11-29T12:00:00+00:00", "minutes": 60}})


def every_event(lab):
    """(message, expected title, link) for each event, built for the cohort."""
    tr = translations_for(lab.language).gettext
    case, slot = case_and_slot(lab)
    session, gone = talk(lab), [User(display_name="李雷")]
    topic = {"topic": "从一个群到一张网"}
    return [
        (chat_messages.case_published(case, slot, base_url=BASE),
         tr("New case: %(title)s") % {"title": "小区生鲜团购"}, f"{BASE}/c/lab/cases/7"),
        (chat_messages.homework_due(case, slot, gone, base_url=BASE),
         tr("Homework due soon: %(title)s") % {"title": "小区生鲜团购"}, f"{BASE}/c/lab/cases/7"),
        (chat_messages.removals(lab, gone, base_url=BASE),
         tr("Members who left %(cohort)s") % {"cohort": "社群实验室"}, f"{BASE}/c/lab/"),
        (chat_messages.guest_week(session, "eve", base_url=BASE),
         tr("Tomorrow's guest sharing: %(topic)s") % topic, f"{BASE}/c/lab/calendar"),
        (chat_messages.guest_week(session, "day", base_url=BASE),
         tr("Today's guest sharing: %(topic)s") % topic, f"{BASE}/c/lab/calendar"),
        (chat_messages.archive_entry(session, base_url=BASE),
         tr("Session %(n)d is in the archive: %(topic)s") % dict(topic, n=9),
         f"{BASE}/c/lab/archive/9"),
        (chat_messages.trial_post(lab, base_url=BASE), tr("Test post from learnclub"),
         f"{BASE}/c/lab/")]


def title_and_links(kind, result):
    """The title a platform shows and the links a reader can follow, from a body."""
    if kind == "wecom":
        text = result["markdown"]["content"]
        return text.split("\n")[0].removeprefix("## "), re.findall(r"\]\((\S+)\)", text)
    if kind == "dingtalk":
        text = result["markdown"]["text"]
        return result["markdown"]["title"], re.findall(r"\]\((\S+)\)", text)
    if kind == "feishu":
        [post] = result["content"]["post"].values()
        return post["title"], [e["href"] for row in post["content"] for e in row if e["tag"] == "a"]
    return result["title"], [result["url"]]


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_event_in_every_format_has_its_title_and_link(kind, language):
    lab = cohort(language)

    shown = [title_and_links(kind, body(kind, message)) for message, _, _ in every_event(lab)]

    assert shown == [(title, [link]) for _, title, link in every_event(lab)]


@pytest.mark.parametrize(("language", "key"), [("zh_Hans_CN", "zh_cn"), ("en", "en_us")])
def test_feishu_post_is_in_the_cohort_language(language, key):
    case, slot = case_and_slot(cohort(language))

    result = body("feishu", chat_messages.case_published(case, slot, base_url=BASE))

    assert list(result["content"]["post"]) == [key]


def test_render_takes_a_message_of_plain_values():
    message = chat_formats.Message(
        event="test", title="Hello *group*", url=f"{BASE}/c/lab/", language="en",
        cohort_slug="lab", cohort_name="Lab",
        paragraphs=[("quote", [chat_formats.Span("Note:", bold=True), chat_formats.Span(" hi")]),
                    ("text", [chat_formats.Span(names=("@a", "@b"))]),
                    ("text", [chat_formats.Span("Open", href=f"{BASE}/c/lab/")])])

    bodies = {kind: body(kind, message) for kind in ("wecom", "feishu")}

    assert bodies == {
        "wecom": {"msgtype": "markdown", "markdown": {"content": "\n".join([
            "## Hello \\*group\\*", "> **Note:** hi", "@a @b", f"[Open]({BASE}/c/lab/)"])}},
        "feishu": {"msg_type": "post", "content": {"post": {"en_us": {
            "title": "Hello *group*", "content": [
                [{"tag": "text", "text": "Note:"}, {"tag": "text", "text": " hi"}],
                [{"tag": "text", "text": "@a @b"}],
                [{"tag": "a", "text": "Open", "href": f"{BASE}/c/lab/"}]]}}}}}


# Limits ---------------------------------------------------------------------------------------

def many(n, name="学员"):
    return [User(display_name=f"{name}{i}") for i in range(n)]


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_long_name_list_is_shortened_to_4096_bytes(kind):
    case, slot = case_and_slot(cohort())
    missing = many(600, name="😀很长的群昵称")

    result = body(kind, chat_messages.homework_due(case, slot, missing, base_url=BASE))

    text = result["markdown"]["content" if kind == "wecom" else "text"]
    prefix = ZH("Still to write (%(n)d):") % {"n": 600} + " "
    [line] = [line for line in text.split("\n") if line.startswith(prefix)]
    shown = len(re.findall("@😀很长的群昵称", line))
    one_name = len("@😀很长的群昵称599 ".encode())
    assert line == prefix + " ".join(f"@😀很长的群昵称{i}" for i in range(shown)) + " " + ZH(
        "… and %(more)d more") % {"more": 600 - shown}
    assert 4096 - 2 * one_name < len(text.encode()) <= 4096  # as many names as fit


def test_long_name_list_feishu_stays_under_its_body_limit():
    case, slot = case_and_slot(cohort("en"))

    raw = chat_formats.render("feishu", chat_messages.homework_due(
        case, slot, many(3000, name="a-rather-long-group-nickname-"), base_url=BASE))

    names = json.loads(raw)["content"]["post"]["en_us"]["content"][1][1]["text"]
    shown = names.count("@")
    assert len(raw.encode()) <= chat_formats.LIMITS["feishu"]
    assert names.endswith(f" … and {3000 - shown} more")
    assert 0 < shown < 3000


def test_generic_keeps_every_name():
    case, slot = case_and_slot(cohort("en"))

    result = body("generic", chat_messages.homework_due(case, slot, many(600), base_url=BASE))

    assert result["data"]["missing_count"] == 600
    assert result["text"].splitlines()[2] == "Still to write (600): " + " ".join(
        f"@学员{i}" for i in range(600))


def test_long_prompt_is_quoted_shortened():
    case, slot = case_and_slot(cohort("en"), prompt="长" * 5000)

    result = body("wecom", chat_messages.case_published(case, slot, base_url=BASE))

    assert result["markdown"]["content"].splitlines()[1] == \
        "> **Homework:** " + "长" * chat_messages.PROMPT_MAX + "…"


def test_huge_texts_are_cut_between_characters_to_fit():
    lab = cohort("en", name="🏠" * 300)
    case, slot = case_and_slot(lab, title="😀" * 1000, prompt="🎉" * 300)

    content = body("wecom", chat_messages.case_published(case, slot, base_url=BASE))[
        "markdown"]["content"]

    heading = content.split("\n")[0]
    kept = len(heading) - len("## …")
    assert heading == "## " + ("New case: " + "😀" * 1000)[:kept] + "…"
    assert 0 < kept < 1000
    assert len(content.encode()) <= 4096


# User text cannot break the formats -----------------------------------------------------------

def unescaped_markup(text):
    """Markdown characters in `text` not escaped by a backslash."""
    found, escaped = [], False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[]<>*`":
            found.append(char)
    return found


def unescape(text):
    out, escaped = [], False
    for char in text:
        if not escaped and char == "\\":
            escaped = True
            continue
        out.append(char)
        escaped = False
    return "".join(out)


def test_md_link_escapes_text_and_address():
    assert chat_formats.md_link("a](http://evil.example) [b", f"{BASE}/c/a b(1)") == \
        f"[a\\]\\(http://evil.example\\) \\[b]({BASE}/c/a%20b%281%29)"


def test_title_with_a_link_stays_text_in_markdown():
    case, slot = case_and_slot(cohort("en"), title="[click](https://evil.example) <b>*x*</b>")

    heading = body("wecom", chat_messages.case_published(case, slot, base_url=BASE))[
        "markdown"]["content"].splitlines()[0]

    assert heading == "## New case: \\[click\\](https://evil.example) \\<b\\>\\*x\\*\\</b\\>"


def corpus():
    blns = corpora.naughty_strings()
    xss = corpora.xss_payloads()
    return [p for p in blns + xss if p.strip()]


TOP_KEYS = {"wecom": ["markdown", "msgtype"], "dingtalk": ["markdown", "msgtype"],
            "feishu": ["content", "msg_type"],
            "generic": ["cohort", "data", "event", "markdown", "text", "title", "url"]}


def heading_is_literal(heading, title):
    """The markdown heading shows exactly the title (perhaps cut, with "…"), no markup."""
    shown, expected = unescape(heading), BREAKS.sub(" ", title)
    return not unescaped_markup(heading) and (shown == expected or (
        shown.endswith("…") and expected.startswith(shown[:-1])))


def test_corpora_as_titles_prompts_and_names_give_valid_bodies_for_every_kind():
    lab, broken = cohort("en"), []
    for payload in corpus():
        case, slot = case_and_slot(lab, title=payload, prompt=payload)
        names = [User(display_name=payload, group_nickname=payload)]
        for message in (chat_messages.case_published(case, slot, base_url=BASE),
                        chat_messages.homework_due(case, slot, names, base_url=BASE)):
            for kind in KINDS:
                raw = chat_formats.render(kind, message)
                if sorted(json.loads(raw.encode())) != TOP_KEYS[kind]:
                    broken.append((kind, payload))
            heading = json.loads(chat_formats.render("wecom", message))[
                "markdown"]["content"].split("\n")[0][len("## "):]
            if not heading_is_literal(heading, message.title):
                broken.append(("heading", payload))
    assert broken == []


def test_corpora_generic_json_keeps_the_exact_title():
    lab = cohort("en")
    for payload in corpus()[:600]:
        case, slot = case_and_slot(lab, title=payload)
        result = body("generic", chat_messages.case_published(case, slot, base_url=BASE))
        assert result["data"]["case"]["title"] == payload
