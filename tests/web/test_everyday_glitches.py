"""Glitches of the every-day pages, each through the test client: the homework saved says
until when it can be changed, the slug hint, snippets without Markdown, no "front matter"
or shell command on the hosts' pages, no "0 misses" warning, every sign-up mistake at once."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from learnclub.domain.homework.submission import slot_of
from learnclub.domain.participation.leave import grant_extension
from learnclub.models import OutboxMessage, User
from tests import timeline
from tests.factories import make_case, make_cohort, make_member, make_user

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def _flash(response):
    return re.search(r'<p class="flash success" role="status">([^<]*)</p>',
                     response.get_data(as_text=True)).group(1)


def _local(instant):
    return instant.astimezone(ZoneInfo("Asia/Shanghai"))


def _en(instant):
    local = _local(instant)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def _zh(instant):
    local = _local(instant)
    weekday = "一二三四五六日"[local.weekday()]
    return f"{local.month}月{local.day}日 周{weekday} {local:%H:%M}"


def test_saving_homework_says_until_when_it_can_be_changed(client, login_as):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=timeline.now() - timedelta(hours=1))
    login_as(make_member(cohort))
    url = f"/c/{cohort.slug}/cases/{case.id}/homework"
    grace_end = slot_of(case).grace_until

    first = client.post(url, data={"body_md": "第一版"}, follow_redirects=True)
    again = client.post(url, data={"body_md": "第二版"}, follow_redirects=True, environ_base=ZH)

    assert _flash(first) == f"Homework submitted. You can change it until {_en(grace_end)}."
    assert _flash(again) == f"作业已更新，{_zh(grace_end)} 前可修改。"


def test_late_homework_and_an_extension_say_the_learners_own_end(client, login_as, clock):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=timeline.now() - timedelta(hours=1))
    learner = login_as(make_member(cohort))
    until = slot_of(case).grace_until + timedelta(days=2)
    grant_extension(case, learner, until=until, actor=cohort.created_by, now=timeline.now())
    clock.to(case, "in_grace")

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "晚了，但有延期"}, follow_redirects=True)

    assert re.fullmatch(r"Homework submitted, marked late \(\d+ h \d+ min late\); you can "
                        rf"change it until {_en(until)}\. Thank you for writing anyway\.",
                        _flash(response))


def test_slug_hint_says_the_address_in_words(client, login_as):
    login_as(make_user(can_host=True))

    page = client.get("/new").get_data(as_text=True)
    zh_page = client.get("/new", environ_base=ZH).get_data(as_text=True)

    assert "Its web address will be /c/ followed by what you type here" in page
    assert "<address>" not in page
    assert "<address>" not in zh_page
    assert "社群网址为 /c/ 加上这里填写的内容，例如 /c/community-2026/。" in zh_page


def test_hosts_pages_say_settings_in_words_not_front_matter_or_commands(client, login_as):
    cohort = make_cohort()
    login_as(cohort.created_by)

    editor = client.get(f"/c/{cohort.slug}/cases/new", environ_base=ZH).get_data(as_text=True)
    schedule = client.get(f"/c/{cohort.slug}/schedule").get_data(as_text=True)

    assert "front matter" not in editor
    assert "文件开头的设置，如标题、发布时间等" in editor
    assert "`" not in schedule
    assert "learnclub content sync" not in schedule
    assert "whoever runs the server can also load cases from Markdown files" in schedule


def test_search_snippets_are_plain_words_with_marks(client, login_as):
    cohort = make_cohort()
    make_case(cohort, title="表格案例", body_md=(
        "## 对比\n\n| 做法 | 效果 |\n|---|:--:|\n| **私域** 社群运营 | [好](https://x.example) |"))
    login_as(make_member(cohort))

    page = client.get(f"/c/{cohort.slug}/search", query_string={"q": "社群运营"})

    html = page.get_data(as_text=True)
    assert "对比 做法 效果 私域 <mark>社群运营</mark> 好" in html
    assert [mark in html for mark in ("|---|", "**", "## ", "https://x.example")] == [False] * 4


def test_no_miss_warning_for_a_learner_without_misses_in_chinese(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort))

    page = client.get(f"/c/{cohort.slug}/", environ_base=ZH).get_data(as_text=True)

    assert "0 次缺交" not in page
    assert "flash warn misses" not in page


def test_signup_reports_every_mistake_at_once(client):
    response = client.post("/signup", data={
        "email": "not-an-address", "display_name": "", "password": "short"})
    zh = client.post("/signup", data={
        "email": "not-an-address", "display_name": "", "password": "short"}, environ_base=ZH)

    page, zh_page = response.get_data(as_text=True), zh.get_data(as_text=True)
    errors = re.findall(r'<p class="error" id="(\w+)-error">([^<]*)</p>', page)
    assert response.status_code == 200
    assert errors == [("display_name", "Name is required."),
                      ("email", "This is not a valid email address."),
                      ("password", "Use at least 8 characters.")]
    assert len(re.findall(r'<p class="error" id="\w+-error">', zh_page)) == 3
    assert "邮箱" in zh_page
    assert User.select().count() == 0
    assert OutboxMessage.select().count() == 0


def test_featured_badge_says_it_once_in_the_readers_language(client, login_as):
    from learnclub import clock
    from learnclub.domain.homework.feedback import toggle_featured
    from learnclub.domain.homework.submission import submit_homework

    cohort = make_cohort()
    case = make_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    author, reader = make_member(cohort), make_member(cohort)
    picked, _created = submit_homework(case, author, "值得一读的作业", now=clock.now())
    submit_homework(case, reader, "我的作业", now=clock.now())
    toggle_featured(picked, actor=cohort.created_by, now=clock.now())
    login_as(reader)

    html = client.get(f"/c/{cohort.slug}/cases/{case.id}",
                      headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert re.findall(r'<span class="badge">([^<]*)</span>', html) == ["精选"]
