"""Accessibility of the main pages, checked by axe-core (through axe-playwright-python) in a
real Chromium: on the phone (390x844, zh-CN) and on the desktop (1280x900, en-US), one live
app and one seeded cohort per viewport. A page may not have any violation of impact "serious"
or "critical"; all pages are visited first, so one run names every rule, page and element
there is to fix. No rule is turned off, for any page or element.

The cohort, its people, cases, homework, sharing weeks, robot and token are arranged through
the domain and factories in the live server's database; the pages are only read.
"""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from learnclub import clock
from learnclub.db import connection
from learnclub.domain.accounts import api_tokens as access_tokens
from learnclub.domain.accounts import profiles
from learnclub.domain.homework import feedback
from learnclub.domain.homework import submission as homework
from learnclub.domain.reach import chat_hooks
from learnclub.domain.reach.mail_footer import unsubscribe_url
from learnclub.domain.reach.outbox import MAX_ATTEMPTS, claim_message, mark_failed, mark_sent
from learnclub.domain.sharing import talks as sharing
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.models import Membership, OutboxMessage, Submission
from tests.browser.conftest import VIEWPORTS, Tab
from tests.browser.test_participation_journey import sign_in
from tests.factories import make_case, make_cohort, make_member, make_user

pytestmark = pytest.mark.browser

SLUG = "a11y-lab"
#: a case as hosts write them: sections, a list, a table of numbers, a quote, a footnote
CASE_BODY = """## 背景

陈慧在自己住的小区开了第一个团购群，三个月后群满了 500 人。

1. **楼长制**：每栋楼一位楼长，负责收货和答疑。
2. **售后“先退后查”**：30 元以下的问题，拍照就退。

## 八个月的数字

| 月份 | 群数 | 成员（人） | 日均订单 | 损耗率[^1] |
|---|---|---|---|---|
| 3 月 | 1 | 186 | 14 | 2% |
| 6 月 | 1 | 500（满） | 85 | 11% |
| 10 月 | 12 | 2,050 | 610 | 3% |

> 生鲜是大家每天都要见面的理由，别的东西会把这个理由冲淡。

[^1]: 损耗率 = 当月因变质、破损而退款或报废的商品金额 ÷ 当月销售额。
"""
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = ("serious", "critical")
#: rules axe leaves for review that are failures here: a label or ARIA attribute pointing at
#: a duplicated id reaches only the first element with it, in every browser
REVIEW_BLOCKING = ("duplicate-id-aria",)
#: someone who is not a member reads the public pages
ANONYMOUS = None


@pytest.fixture
def open_as(browser, live_server, viewport):
    """A tab of its own (own cookies) on the viewport at this module's sizes."""
    contexts = []

    def _open():
        context = browser.new_context(**{**VIEWPORTS[viewport], "viewport": SIZES[viewport]})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Tab(context, live_server, viewport)

    yield _open
    for context in contexts:
        context.close()


def _learner(cohort, name, nickname, email, *, joined, **profile):
    user = make_user(display_name=name, email=email)
    Membership.create(cohort=cohort, user=user, role="learner", joined_at=joined)
    profiles.update_profile(user, {"group_nickname": nickname, **profile})
    return user


def _history(cohort, writers, now):
    """Eight weeks of cases, one every four days, that `writers` handed in on time; enough
    bars that the participation chart is wider than a phone."""
    for n in range(14, 0, -1):
        case = make_case(cohort, title=f"第{15 - n}个案例：社区门店的熟客群",
                         publish_at=now - timedelta(days=4 * n))
        at = case.publish_at + timedelta(hours=3)
        for user in writers:
            Submission.create(case=case, user=user, body_md="我的作业", submitted_at=at,
                              updated_at=at)


def _sharing(cohort, host, guest, past_guest, now):
    """A past session in the archive (第1期) and the next week's talk, confirmed."""
    earlier = now - timedelta(days=14)
    slots = sharing.generate_slots(cohort, now=earlier)
    past = next(s for s in slots if s.starts_at < now - timedelta(hours=2))
    held = sharing.propose_talk(cohort, past_guest, topic="读书会五年不散的三条规矩",
                                abstract="为什么大部分读书会三个月就散了？", preferred_slots=[past],
                                now=earlier)
    sharing.accept_talk(held, past, actor=host, now=earlier)
    sharing.confirm_talk(held, guest=past_guest, now=earlier)
    publish_transcript(held, "第一条规矩：**每人发言不超过五分钟**，社群才不散。", actor=host,
                       now=now, recording_url="https://example.org/recording")
    upcoming = next(s for s in slots if s.starts_at > now)
    talk = sharing.propose_talk(cohort, guest, topic="一个人带 8 个小区：团长的信任账本",
                                abstract="团长不是卖货的，是邻居们愿意把钥匙交给你的那个人。",
                                preferred_slots=[upcoming], now=now)
    sharing.accept_talk(talk, upcoming, actor=host, now=now)
    sharing.confirm_talk(talk, guest=guest, now=now)


def _robot(cohort, host, now):
    """A chat robot with one delivery sent and one that failed for good."""
    hook = chat_hooks.add_hook(cohort, actor=host, kind="wecom", label="学员群",
                               url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
                               secret="", events=list(chat_hooks.EVENTS), now=now)
    sent = chat_hooks.send_test_post(hook, actor=host, now=now, base_url="http://127.0.0.1")
    mark_sent(sent, now=now)
    failed = chat_hooks.send_test_post(hook, actor=host, now=now, base_url="http://127.0.0.1")
    for _ in range(MAX_ATTEMPTS):
        failed = OutboxMessage.get_by_id(failed.id)
        claim_message(failed, now=now)
        mark_failed(failed, "HTTP 500 from the robot", now=now)


def _people(cohort, now):
    """Four learners with Chinese names: two who joined with the cohort, one with no group
    nickname, one who joined two days ago; the assistant. Returns the learners."""
    joined = now - timedelta(days=60)
    make_member(cohort, make_user(display_name="陆小鹿", email="lu@example.org"),
                role="assistant")
    writer = _learner(cohort, "林晓雨", "晓雨-上海", "lin@example.org", joined=joined,
                      city="上海", industry="社区团购", company_title="邻里鲜 · 团长运营负责人",
                      offer="带过 120 个小区团长", looking_for="想学怎么把团长变成长期合伙人",
                      intro_md="做了三年社区团购。相信**信任比补贴更长久**。")
    peer = _learner(cohort, "陈浩", "陈浩-北京", "chen@example.org", joined=joined,
                    city="北京", industry="教育培训")
    quiet = _learner(cohort, "王璐", "", "wang@example.org", joined=joined)
    newcomer = _learner(cohort, "何军", "巷口咖啡 | 成都", "he@example.org",
                        joined=now - timedelta(days=2))
    return writer, peer, quiet, newcomer


def _open_case(cohort, writer, peer, now):
    """The case out now: two learners wrote, commented on each other's and liked one."""
    case = make_case(cohort, title="小区生鲜团购：从一个群到一张网", body_md=CASE_BODY,
                     homework_prompt="如果你来做这个社群，第一周你会做哪三件事？",
                     publish_at=now - timedelta(hours=5))
    mine, _ = homework.submit_homework(case, writer, "## 三件事\n\n1. 先认识**每一位**团长",
                                       now=now)
    theirs, _ = homework.submit_homework(case, peer, "先做售后，再谈复购。", now=now)
    feedback.add_comment(theirs, writer, "售后这点很同意！", now=now)
    feedback.add_comment(mine, peer, "第一条写得具体。", now=now)
    feedback.toggle_like(theirs, writer, now=now)
    return case


def arrange(live_app):
    """The cohort with its people, past and open cases, sharing weeks, a robot and a token.
    Returns the rows and the unsubscribe path the pages need."""
    now = clock.now()
    with connection():
        host = make_user(can_host=True, display_name="周明远", email="host@example.org")
        cohort = make_cohort(host=host, slug=SLUG, name="社群运营实战营 第3期")
        writer, peer, quiet, newcomer = _people(cohort, now)
        _history(cohort, (writer, peer), now)
        case = _open_case(cohort, writer, peer, now)
        _sharing(cohort, host, peer, quiet, now)
        _robot(cohort, host, now)
        access_tokens.create_token(writer, name="我的周报脚本", scope="read", now=now)
        unsubscribe = unsubscribe_url(writer, "feedback", secret=live_app.config["SECRET_KEY"],
                                      base_url="")
    return {"host": host, "writer": writer, "newcomer": newcomer, "case": case,
            "unsubscribe": unsubscribe}


def pages(rows):
    """(who reads it, path) for every page checked, in the order a person might go."""
    c, case = f"/c/{SLUG}", rows["case"]
    writer, newcomer, host = (rows[k].email for k in ("writer", "newcomer", "host"))
    return [
        (ANONYMOUS, f"{c}/"), (ANONYMOUS, "/login"), (ANONYMOUS, rows["unsubscribe"]),
        (ANONYMOUS, "/help/integrations"),
        (writer, "/"), (writer, f"{c}/"), (writer, "/me"),  # the to-do homes, 我的
        (writer, f"{c}/cases/"), (writer, f"{c}/cases/{case.id}"),
        (newcomer, f"{c}/cases/{case.id}"),  # the homework editor: nothing written yet
        (writer, f"{c}/homework/mine"), (writer, f"{c}/members"),
        (writer, f"/u/{rows['writer'].id}"), (writer, "/profile"),
        (writer, f"{c}/calendar"), (writer, f"{c}/archive"), (writer, f"{c}/search?q=社群"),
        (writer, "/me/notifications"), (writer, "/me/tokens"),
        (writer, "/messages"),  # a peer's comment on the writer's homework: one unread
        (host, "/"), (host, f"{c}/"),
        (host, f"{c}/tracking"), (host, f"{c}/tracking/cases/{case.id}"),
        (host, f"{c}/participation"), (host, f"{c}/settings"), (host, f"{c}/integrations"),
        (host, f"{c}/integrations/new"),
    ]


def prepare(tab, who, path, rows):
    """What a reader does on a page before it is checked: the newcomer types a draft, so
    the preview and the counter show, and opens the leave form; the host sends the robot
    form with a wrong address, so its error shows."""
    if who == rows["newcomer"].email and path.endswith(f"/cases/{rows['case'].id}"):
        tab.page.locator("#body_md").fill("## 我的想法\n\n先**认识**每一位团长。")
        expect(tab.page.locator("#homework-preview h2")).to_have_text("我的想法")
        tab.page.locator("#leave summary").click()
    if path.endswith(f"/tracking/cases/{rows['case'].id}"):
        expect(tab.page.locator("#missing-list")).to_be_visible()
    if path.endswith("/integrations/new"):  # an address without its scheme: refused
        tab.page.locator("#label").fill("学员群")
        tab.page.locator("#url").fill("qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
        tab.page.locator("form.hook-form button[type=submit]").click()
        tab.wait_for(path)
        expect(tab.page.locator("#url-error")).to_be_visible()


def blocking_violations(tab, axe):
    """axe's serious and critical violations on the tab's page (and the REVIEW_BLOCKING
    rules it leaves for review), one line per rule, naming the elements (CSS selectors) at
    fault."""
    found = []
    results = axe.run(tab.page, options={"resultTypes": ["violations", "incomplete"]}).response
    reviewed = [v for v in results["incomplete"] if v["id"] in REVIEW_BLOCKING]
    for violation in results["violations"] + reviewed:
        if violation["impact"] not in BLOCKING:
            continue
        targets = [" >> ".join(node["target"]) for node in violation["nodes"]]
        found.append(f"{tab.viewport} {tab.path}: {violation['id']} ({violation['impact']}:"
                     f" {violation['help']}) at {', '.join(targets)}")
    return found


def test_main_pages_have_no_serious_accessibility_violations(open_as, live_app, viewport):
    rows = arrange(live_app)
    axe, tabs, found = Axe(), {}, []
    for who, path in pages(rows):
        if who not in tabs:
            tabs[who] = open_as()
            if who is not ANONYMOUS:
                sign_in(tabs[who], who)
        tab = tabs[who]
        tab.goto(path)
        assert tab.path == path.partition("?")[0]  # not sent to the sign-in page instead
        prepare(tab, who, path, rows)
        found += blocking_violations(tab, axe)
        tab.check()

    assert found == [], "\n".join(["axe found serious or critical violations:", *found])
