"""@-mentions that ping, per platform, exactly as each documents it: WeCom a text message with
`mentioned_mobile_list`, DingTalk markdown with "@<mobile>" in the text and `at.atMobiles`,
Feishu a post with an `at` element carrying the user id. Only for robots with "mention
members" on, and only for members who consented and gave a number or id; everyone else stays
"@nickname" as text, as does every robot with the setting off.

Built from unsaved rows: these are pure functions of the facts."""
import json
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from learnclub.domain.cases.schedule import Slot
from learnclub.domain.reach import chat_mentions, chat_messages
from learnclub.domain.reach.chat_hooks import KINDS
from learnclub.domain.reach.notices import local_when
from learnclub.models import Case, ChatHook, Cohort, User
from learnclub.outbound import chat_formats
from tests import corpora

BASE = "https://learn.example.org"
PUBLISH = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CONSENTED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LINK = f"{BASE}/c/lab/cases/7"


def lab():
    return Cohort(id=1, slug="lab", name="社群实验室", timezone="Asia/Shanghai", language="en")


def case_and_slot():
    case = Case(id=7, cohort=lab(), title="Fresh produce", homework_prompt="")
    return case, Slot(case, PUBLISH, PUBLISH + timedelta(hours=72), PUBLISH + timedelta(hours=84))


def due_line():
    """The due line as posts write it (its date format is not what these tests are about)."""
    return "Due: " + local_when(PUBLISH + timedelta(hours=72), "Asia/Shanghai", "en")


def members(consent=CONSENTED):
    """小王 gave a mainland number and a Feishu id (consent as given), Li Lei a Hong Kong number
    with consent, 赵六 a number without consent, 钱七 nothing."""
    return [User(display_name="王芳", group_nickname="小王", mention_phone="+8613800138000",
                 feishu_user_id="ou_0123456789abcdef", mention_consent_at=consent),
            User(display_name="Li Lei", mention_phone="+85291234567", mention_consent_at=consent),
            User(display_name="赵六", mention_phone="13900139000",
                 feishu_user_id="ou_fedcba9876543210"),
            User(display_name="钱七", mention_consent_at=consent)]


def post(kind, missing, *, mention_members=True):
    """The body robot of `kind` (with mentions on or off) gets for "homework due soon"."""
    hook = ChatHook(kind=kind, mention_members=mention_members)
    case, slot = case_and_slot()
    message = chat_messages.homework_due(case, slot, missing, base_url=BASE,
                                         mention=partial(chat_mentions.mention, hook=hook))
    return json.loads(chat_formats.render(kind, message))


def test_wecom_pings_by_number_in_a_text_message_with_mentioned_mobile_list():
    result = post("wecom", members())

    assert result == {"msgtype": "text", "text": {
        "content": "\n".join(["Homework due soon: Fresh produce", due_line(),
                              "Still to write (4): @小王 @Li Lei @赵六 @钱七",
                              f"Write your homework: {LINK}", "社群实验室 · learnclub"]),
        "mentioned_mobile_list": ["13800138000", "+85291234567"]}}


def test_dingtalk_pings_by_number_in_the_text_and_at_mobiles():
    result = post("dingtalk", members())

    assert result == {
        "msgtype": "markdown",
        "markdown": {"title": "Homework due soon: Fresh produce", "text": "\n\n".join([
            "#### Homework due soon: Fresh produce", due_line(),
            "Still to write (4): @13800138000 @+85291234567 @赵六 @钱七",
            f"[Write your homework]({LINK})", "社群实验室 · learnclub"])},
        "at": {"atMobiles": ["13800138000", "+85291234567"], "isAtAll": False}}


def test_feishu_pings_by_user_id_with_an_at_element():
    result = post("feishu", members())

    assert result == {"msg_type": "post", "content": {"post": {"en_us": {
        "title": "Homework due soon: Fresh produce",
        "content": [
            [{"tag": "text", "text": due_line()}],
            [{"tag": "text", "text": "Still to write (4): "},
             {"tag": "at", "user_id": "ou_0123456789abcdef", "user_name": "小王"},
             {"tag": "text", "text": " @Li Lei @赵六 @钱七"}],
            [{"tag": "a", "text": "Write your homework", "href": LINK}],
            [{"tag": "text", "text": "社群实验室 · learnclub"}]]}}}}


def plain(kind):
    """The body as it was before mentions: a robot with the setting off."""
    return post(kind, members(), mention_members=False)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_without_consent_nobody_is_pinged_and_the_post_is_as_before(kind):
    assert post(kind, members(consent=None)) == plain(kind)


def test_robot_with_mentions_off_writes_nicknames_as_text():
    assert (plain("wecom")["markdown"]["content"].splitlines()[2],
            plain("dingtalk")["markdown"]["text"].split("\n\n")[2],
            plain("feishu")["content"]["post"]["en_us"]["content"][1]) == (
        "Still to write (4): @小王 @Li Lei @赵六 @钱七",
        "Still to write (4): @小王 @Li Lei @赵六 @钱七",
        [{"tag": "text", "text": "Still to write (4): "},
         {"tag": "text", "text": "@小王 @Li Lei @赵六 @钱七"}])
    assert ("at" in plain("dingtalk"), plain("wecom")["msgtype"]) == (False, "markdown")


def test_generic_webhook_never_gets_a_number_even_with_mentions_on():
    raw = json.dumps(post("generic", members()), ensure_ascii=False)

    assert (raw.count("13800138000"), raw.count("91234567"), raw.count("ou_")) == (0, 0, 0)
    assert post("generic", members()) == post("generic", members(), mention_members=False)


def test_mention_rule_per_robot_kind_and_setting():
    wang, li, zhao, qian = members()
    hooks = {(kind, on): ChatHook(kind=kind, mention_members=on)
             for kind in KINDS for on in (True, False)}

    addresses = {key: [chat_mentions.mention(u, hook).address for u in (wang, li, zhao, qian)]
                 for key, hook in hooks.items()}

    assert addresses == {
        ("wecom", True): ["13800138000", "+85291234567", "", ""],
        ("dingtalk", True): ["13800138000", "+85291234567", "", ""],
        ("feishu", True): ["ou_0123456789abcdef", "", "", ""],
        ("generic", True): ["", "", "", ""],
        **{(kind, False): ["", "", "", ""] for kind in KINDS}}
    assert chat_mentions.mention(wang) == chat_formats.Mention("@小王", "", "小王")


def test_only_the_names_shown_are_pinged_and_wecom_text_stays_under_2048_bytes():
    many = [User(display_name=f"很长的群昵称学员{i:03d}", mention_phone=f"138{i:08d}",
                 mention_consent_at=CONSENTED) for i in range(400)]

    wecom, dingtalk = post("wecom", many), post("dingtalk", many)

    content = wecom["text"]["content"]
    shown = content.count("@很长的群昵称学员")
    assert len(content.encode()) <= chat_formats.TEXT_LIMITS["wecom"] < 2 * len(content.encode())
    assert wecom["text"]["mentioned_mobile_list"] == [f"138{i:08d}" for i in range(shown)]
    text = dingtalk["markdown"]["text"]
    assert dingtalk["at"]["atMobiles"] == [
        f"138{i:08d}" for i in range(text.count("@138"))]
    assert [f"@{m}" in text for m in dingtalk["at"]["atMobiles"]] == [True] * len(
        dingtalk["at"]["atMobiles"])
    assert 0 < shown < 400
    assert len(text.encode()) <= 4096


def test_same_number_twice_is_listed_once():
    twins = [User(display_name=n, mention_phone="13800138000", mention_consent_at=CONSENTED)
             for n in ("甲", "乙")]

    assert post("wecom", twins)["text"]["mentioned_mobile_list"] == ["13800138000"]


def test_corpora_as_nicknames_of_pinged_members_give_valid_bodies():
    payloads = [p for p in corpora.naughty_strings() + corpora.xss_payloads()[:500] if p.strip()]
    broken = []
    for payload in payloads:
        person = User(display_name=payload, group_nickname=payload, mention_phone="13800138000",
                      feishu_user_id="ou_0123456789abcdef", mention_consent_at=CONSENTED)
        for kind in KINDS:
            body = post(kind, [person])
            pinged = {"wecom": lambda b: b["text"]["mentioned_mobile_list"],
                      "dingtalk": lambda b: b["at"]["atMobiles"],
                      "feishu": lambda b: [e["user_id"] for e in b["content"]["post"]["en_us"][
                          "content"][1] if e["tag"] == "at"],
                      "generic": lambda b: []}[kind](body)
            expected = {"feishu": ["ou_0123456789abcdef"], "generic": []}.get(
                kind, ["13800138000"])
            if pinged != expected:
                broken.append((kind, payload))
    assert broken == []
