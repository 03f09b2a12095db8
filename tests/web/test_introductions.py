"""Being introduced (docs/rules.md "Being introduced"): joining leads to the 自我介绍 prompt,
which can be skipped; the cohort's to-do asks for it until it is written; the member list
shows it and suggests 你可能想认识 with the reason; a robot that chose it announces the
member once; bad input is refused with a message and changes nothing."""
import re

from markupsafe import escape

from learnclub.domain.accounts import introductions
from learnclub.domain.cohorts import admission
from learnclub.models import ChatHook, Membership, OutboxMessage, ProfileTag, User
from tests import corpora
from tests.factories import T0, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import now

ZH = {"Accept-Language": "zh-CN"}


def html_of(response):
    return response.get_data(as_text=True)


def introduce(user, offer="", seek="", text="你好，我是新来的。"):
    return introductions.save_introduction(user, introduction=text, offer=offer, seek=seek,
                                           now=now(), base_url="http://localhost")


def post_intro(client, slug, text="我在杭州做社区团购。", offer="社群运营、写作", seek="融资"):
    return client.post(f"/c/{slug}/introduce",
                       data={"introduction": text, "offer": offer, "seek": seek})


def test_joining_by_invite_leads_to_the_introduction_prompt(client, login_as):
    cohort = make_cohort()
    invite = admission.create_invite(cohort, actor=cohort.created_by, now=now())
    login_as(make_user())
    response = client.post(f"/join/{invite.token}")
    assert response.headers["Location"] == f"/c/{cohort.slug}/introduce"
    page = html_of(client.get(f"/c/{cohort.slug}/introduce"))
    assert re.findall(r'name="(introduction|offer|seek)"', page) == [
        "introduction", "offer", "seek"]
    assert f'<a class="skip-intro" href="/c/{cohort.slug}/">Skip for now</a>' in page


def test_skipping_leaves_the_todo_asking_until_the_introduction_is_written(client, login_as):
    cohort = make_cohort()
    user = login_as(make_member(cohort))
    home = html_of(client.get(f"/c/{cohort.slug}/"))
    assert home.count('class="card todo-intro"') == 1
    assert f'href="/c/{cohort.slug}/introduce"' in home
    response = post_intro(client, cohort.slug)
    assert response.headers["Location"] == f"/c/{cohort.slug}/members#suggestions"
    assert User.get_by_id(user.id).introduction == "我在杭州做社区团购。"
    assert 'todo-intro' not in html_of(client.get(f"/c/{cohort.slug}/"))
    assert 'todo-intro' not in html_of(client.get("/"))


def test_the_todo_line_is_in_chinese(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort))
    home = html_of(client.get(f"/c/{cohort.slug}/", headers=ZH))
    assert re.search(r'<h2 class="todo-label" id="todo-intro-\d+">写一段自我介绍</h2>', home)


def test_directory_shows_the_introduction_and_suggestions_with_the_reason(client, login_as):
    cohort = make_cohort()
    me = make_member(cohort, make_user(display_name="周明远"))
    helper = make_member(cohort, make_user(display_name="冯宝宝"))
    introduce(helper, offer="社群运营、摄影", text="上海，做了五年社群。")
    similar = make_member(cohort, make_user(display_name="贺立群"))
    introduce(similar, offer="社群增长")
    login_as(me)
    post_intro(client, cohort.slug, offer="写作", seek="社群运营")

    page = html_of(client.get(f"/c/{cohort.slug}/members", headers=ZH))
    section = page.split('id="suggestions"')[1].split("</section>")[0]
    assert re.findall(r'<p class="reason">([^<]*)</p>', section) == [
        "你在找「社群运营」，冯宝宝能提供「社群运营」",
        "你在找「社群运营」，贺立群能提供「社群增长」（都有「社群」）"]
    assert '<p class="introduction">上海，做了五年社群。</p>' in page
    assert '<span class="chip">社群运营</span><span class="chip">摄影</span>' in page

    english = html_of(client.get(f"/c/{cohort.slug}/members"))
    assert ("You are looking for “社群运营”; 冯宝宝 can offer “社群运营”." in english)


def test_directory_asks_for_what_one_looks_for_before_suggesting(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort))
    page = html_of(client.get(f"/c/{cohort.slug}/members"))
    section = page.split('id="suggestions"')[1].split("</section>")[0]
    assert re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', section) == [
        (f"/c/{cohort.slug}/introduce", "Write a short introduction")]


def test_removed_members_are_neither_listed_nor_suggested(client, login_as):
    cohort = make_cohort()
    me = make_member(cohort)
    introduce(me, seek="社群运营")
    gone = make_member(cohort, make_user(display_name="已离开的人"))
    introduce(gone, offer="社群运营", text="我已经离开了")
    Membership.update(status="removed").where(Membership.user == gone.id).execute()
    login_as(me)
    page = html_of(client.get(f"/c/{cohort.slug}/members"))
    assert ("已离开的人" in page, "我已经离开了" in page) == (False, False)


def test_introductions_stay_inside_the_cohort(client, login_as):
    cohort = make_cohort()
    member = make_member(cohort)
    introduce(member, offer="社群运营", text="只给同一个社群的人看")
    login_as(make_member(make_cohort()))  # a member of another cohort only
    assert client.get(f"/u/{member.id}").status_code == 404
    assert client.get(f"/c/{cohort.slug}/members").status_code == 403


def test_profile_shows_the_introduction_to_fellow_members(client, login_as):
    cohort = make_cohort()
    member = make_member(cohort)
    introduce(member, offer="Python", seek="融资", text="只给同一个社群的人看")
    login_as(make_member(cohort))
    page = html_of(client.get(f"/u/{member.id}"))
    assert ('<p class="introduction">只给同一个社群的人看</p>' in page,
            '<span class="chip">python</span>' in page) == (True, True)


def robot(cohort, events):
    return ChatHook.create(cohort=cohort, kind="generic", label="学员群",
                           url="http://127.0.0.1:9/hook", events=events, created_at=T0)


def test_a_robot_that_chose_it_announces_the_member_once(client, login_as):
    cohort = make_cohort()
    chosen = robot(cohort, "case_published,member_introduced")
    robot(cohort, "case_published")  # did not choose it
    user = login_as(make_member(cohort, make_user(display_name="冯宝宝")))
    post_intro(client, cohort.slug)
    post_intro(client, cohort.slug, text="改了一下介绍")
    posts = list(OutboxMessage.select().where(OutboxMessage.kind == "member_introduced"))
    assert [(p.hook_id, p.key) for p in posts] == [
        (chosen.id, f"post:hook:{chosen.id}:introduced:member:{user.id}")]
    assert "我在杭州做社区团购。" in posts[0].body
    assert "社群运营" in posts[0].body


def test_a_new_robot_has_the_introduction_event_off(client, login_as):
    cohort = make_cohort()
    login_as(cohort.created_by)
    page = html_of(client.get(f"/c/{cohort.slug}/integrations/new"))
    ticked = set(re.findall(r'value="(\w+)" id="events-\w+"[^>]*checked>', page))
    assert ("member_introduced" in ticked, "case_published" in ticked) == (False, True)
    assert 'value="member_introduced"' in page


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, login_as):
    cohort = make_cohort()
    user = login_as(make_member(cohort))
    cases = {
        ("字" * 501, "写作", ""): "Introduction is 501 characters long; the limit is 500.",
        ("  ", "写作", ""): "Introduction is required.",
        ("你好", "、".join(f"标签{n}" for n in range(9)), ""):
            "I can offer: at most 8 tags (you gave 9).",
        ("你好", "", "长" * 21): "I'm looking for: “" + "长" * 21 + "” is 21 characters long; "
                                "a tag has at most 20.",
        ("你好\x00", "", ""): "Introduction contains a NUL character, which cannot be stored.",
    }
    for (text, offer, seek), message in cases.items():
        response = post_intro(client, cohort.slug, text=text, offer=offer, seek=seek)
        assert response.status_code == 200
        assert str(escape(message)) in html_of(response)
    assert (User.get_by_id(user.id).introduction, ProfileTag.select().count()) == ("", 0)


def test_every_naughty_string_and_payload_is_kept_or_refused_and_shown_escaped(client, login_as):
    cohort = make_cohort()
    robot(cohort, "member_introduced")  # each save builds the post: naughty text too
    user = login_as(make_member(cohort))
    failures, kept = [], ""
    for text in [*corpora.naughty_strings(), *corpora.xss_payloads()[:300]]:
        response = post_intro(client, cohort.slug, text=text, offer=text, seek=text)
        if response.status_code == 200:  # refused: it must say why, and change nothing
            if ('<p class="error"' not in html_of(response)
                    or User.get_by_id(user.id).introduction != kept):
                failures.append(("refused without a message", text))
            continue
        kept = text
        if response.status_code != 302:
            failures.append((response.status_code, text))
            continue
        tags = introductions.parse_tags(text)
        stored = introductions.tags_of(user)
        if (User.get_by_id(user.id).introduction, stored.offer, stored.seek) != (
                text, tags, tags):
            failures.append(("not stored", text))
            continue
        page = html_of(client.get(f"/c/{cohort.slug}/members"))
        if f'<p class="introduction">{escape(text)}</p>' not in page:
            failures.append(("intro not escaped", text))
        if any(f'<span class="chip">{escape(t)}</span>' not in page for t in tags):
            failures.append(("tag not escaped", text))
    assert failures == []


def directory_queries(client, slug):
    with count_queries() as statements:
        assert client.get(f"/c/{slug}/members").status_code == 200
    return len(statements)


def test_directory_query_count_does_not_grow_with_members(client, login_as):
    cohort = make_cohort()
    me = make_member(cohort)
    introduce(me, offer="写作", seek="社群运营、python")
    login_as(me)
    one = directory_queries(client, cohort.slug)
    for n in range(29):
        member = make_member(cohort)
        introduce(member, offer=f"社群运营、python、标签{n}", seek="写作", text=f"第{n}位成员")
    assert ProfileTag.select().count() == 3 + 29 * 4
    assert directory_queries(client, cohort.slug) == one
