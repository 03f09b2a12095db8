"""Mentions that ping, through the pages: a member gives a mobile number and a Feishu user id
on their profile, with consent (refused input changes nothing and says why on its field);
only they and the staff of their cohorts see them, never another learner, the directory or
the API; a host turns "mention members" on per robot; and the jobs post the 未交名单 to a
DingTalk-format receiver on loopback with the consenting member's number in `at.atMobiles`."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from learnclub import jobs
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.reach import chat_hooks
from learnclub.models import ChatHook, CohortEvent, User
from tests import timeline
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.web.test_corpora import naughty_strings

PHONE_MESSAGE = ("Enter the mobile number in digits, e.g. 13800138000; outside mainland China "
                 "start with + and the country code, e.g. +85291234567 (5 to 15 digits).")
OPEN_ID = "ou_5ad573a6411d72b8305fda3a9c15c70e"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e5f"


def html_of(response):
    return response.get_data(as_text=True)


def field_error(response, field):
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html_of(response))
    return found.group(1) if found else None


def profile_form(**overrides):
    form = {"display_name": "王小明", "group_nickname": "小明", "mention_phone": "",
            "feishu_user_id": ""}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def contacts(user):
    saved = User.get_by_id(user.id)
    return saved.mention_phone, saved.feishu_user_id, saved.mention_consent_at


# The profile fields ----------------------------------------------------------------------------

def test_member_adds_number_and_feishu_id_with_consent(client, login_as, clock):
    user = login_as(make_user())
    now = clock.travel_to(timeline.START, frozen=True)

    response = client.post("/profile", data=profile_form(
        mention_phone=" +86 138-0013-8000 ", feishu_user_id=OPEN_ID, mention_consent="y"))
    form = html_of(client.get("/profile"))

    assert response.status_code == 302
    assert contacts(user) == ("+8613800138000", OPEN_ID, now)
    assert re.search(r'<input [^>]*id="mention_consent"[^>]*>', form).group(0) == (
        '<input aria-describedby="mention_consent-hint" checked id="mention_consent" '
        'name="mention_consent" type="checkbox" value="y">')
    assert re.search(r'<input [^>]*id="mention_phone"[^>]*value="([^"]*)"', form).group(1) == (
        "+8613800138000")


def test_consent_keeps_its_first_time_and_unticking_withdraws_it(client, login_as, clock):
    user = login_as(make_user())
    given = clock.travel_to(timeline.START, frozen=True)
    client.post("/profile", data=profile_form(mention_phone="13800138000", mention_consent="y"))
    clock.travel_to(timeline.START + timedelta(days=2), frozen=True)

    client.post("/profile", data=profile_form(mention_phone="13900139000", mention_consent="y"))
    kept = contacts(user)
    client.post("/profile", data=profile_form(mention_phone="13900139000"))

    assert kept == ("13900139000", "", given)
    assert contacts(user) == ("13900139000", "", None)


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("mention_phone", "138-0013-800O", PHONE_MESSAGE),
    ("mention_phone", "1234", PHONE_MESSAGE),
    ("mention_phone", "1" * 65, "Mobile number is 65 characters long; the limit is 64."),
    ("feishu_user_id", "张三", "A Feishu user ID is “ou_” followed by letters and digits (your "
     "open_id), or the user ID your Feishu administrator gave you: letters, digits, “_” and "
     "“-”, up to 64 characters.")])
def test_bad_number_or_id_says_why_on_its_field_and_changes_nothing(client, login_as, field,
                                                                   typed, message):
    user = login_as(make_user(display_name="原名", mention_phone="13800138000"))

    response = client.post("/profile", data=profile_form(
        display_name="新名字", mention_consent="y", **{field: typed}))

    assert response.status_code == 200
    assert field_error(response, field) == message
    saved = User.get_by_id(user.id)
    assert (saved.display_name, saved.group_nickname, contacts(user)) == (
        "原名", "", ("13800138000", "", None))


def test_phone_takes_every_naughty_string_in_its_shape_or_says_why(client, login_as):
    user = login_as(make_user(locale="en"))
    failures = []
    for text in naughty_strings():
        before = contacts(user)
        response = client.post("/profile", data=profile_form(mention_phone=text,
                                                             mention_consent="y"))
        after = contacts(user)
        if response.status_code == 302:
            if not re.fullmatch(r"(\+?[0-9]{5,15})?", after[0]):
                failures.append(("stored", text, after[0]))
        elif after != before or not field_error(response, "mention_phone"):
            failures.append(("refusal", text, response.status_code))

    assert failures == []


# Who sees them ---------------------------------------------------------------------------------

@pytest.fixture
def cohort_with_wang():
    """A cohort whose learner 王芳 gave a number and a Feishu id with consent."""
    host = make_user(can_host=True, display_name="周群主")
    cohort = make_cohort(host=host)
    wang = make_member(cohort, make_user(display_name="王芳", mention_phone="+8613800138000",
                                         feishu_user_id=OPEN_ID,
                                         mention_consent_at=datetime(2026, 12, 1, tzinfo=UTC)))
    return cohort, host, wang


def shows_contacts(page):
    return ("13800138000" in page, OPEN_ID in page)


def test_another_learner_never_sees_the_number_on_the_profile_or_in_the_directory(
        client, login_as, cohort_with_wang):
    cohort, _host, wang = cohort_with_wang
    login_as(make_member(cohort))

    profile = html_of(client.get(f"/u/{wang.id}"))
    directory = html_of(client.get(f"/c/{cohort.slug}/members"))

    assert ("王芳" in profile, "王芳" in directory) == (True, True)
    assert (shows_contacts(profile), shows_contacts(directory)) == ((False, False),
                                                                    (False, False))


def test_staff_see_the_number_and_whether_it_may_be_used(client, login_as, cohort_with_wang):
    cohort, host, wang = cohort_with_wang
    login_as(host)

    page = html_of(client.get(f"/u/{wang.id}"))

    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]*)</dd>", page))
    assert facts == {"Mobile number": "+8613800138000", "Feishu user ID": OPEN_ID,
                     "Robot @-mentions": "allowed"}


def test_member_sees_their_own_number(client, login_as):
    user = login_as(make_user(mention_phone="13800138000"))

    page = html_of(client.get(f"/u/{user.id}"))

    assert shows_contacts(page) == (True, False)
    assert re.search(r"<dt>Robot @-mentions</dt><dd>([^<]*)</dd>", page).group(1) == (
        "not allowed")


def test_staff_of_a_cohort_she_was_removed_from_do_not_see_it(client, login_as,
                                                              cohort_with_wang):
    _cohort, _host, wang = cohort_with_wang
    other_host = make_user(can_host=True)
    make_member(make_cohort(host=other_host), wang, status="removed")
    login_as(other_host)

    response = client.get(f"/u/{wang.id}")

    assert response.status_code == 200  # the profile, yes (they shared a cohort) ...
    assert shows_contacts(html_of(response)) == (False, False)  # ... the number, no


def test_profile_page_queries_do_not_grow_with_the_cohort(client, login_as, cohort_with_wang):
    cohort, host, wang = cohort_with_wang
    login_as(host)
    client.get("/")
    with count_queries() as few:
        client.get(f"/u/{wang.id}")
    for _ in range(20):
        make_member(cohort, make_user(mention_phone="13900139000"))

    with count_queries() as many:
        client.get(f"/u/{wang.id}")

    assert len(many) == len(few)


# The robot setting ------------------------------------------------------------------------------

def robot_form(**overrides):
    form = {"kind": "dingtalk", "label": "3期学员群", "url": DINGTALK, "secret": "",
            "events": ["homework_due"], "mention_members": "y"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def test_host_turns_mentions_on_for_a_robot_and_off_again(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    client.post(f"/c/{cohort.slug}/integrations/new", data=robot_form())
    hook = ChatHook.get()
    page = html_of(client.get(f"/c/{cohort.slug}/integrations"))
    form = html_of(client.get(f"/c/{cohort.slug}/integrations/{hook.id}/edit"))
    client.post(f"/c/{cohort.slug}/integrations/{hook.id}/edit",
                data=robot_form(mention_members=None))

    assert re.search(r"<dt>Mentions</dt><dd>([^<]*)</dd>", page).group(1) == (
        "@-mentions members who allowed it")
    assert re.search(r'<input [^>]*id="mention_members"[^>]*>', form).group(0) == (
        '<input aria-describedby="mention_members-hint" checked id="mention_members" '
        'name="mention_members" type="checkbox" value="y">')
    assert ChatHook.get_by_id(hook.id).mention_members is False
    changed = CohortEvent.get(CohortEvent.action == "hook_changed")
    assert '"mention_members": [true, false]' in changed.changes


def test_generic_webhook_cannot_mention_members(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    response = client.post(f"/c/{cohort.slug}/integrations/new",
                           data=robot_form(kind="generic", url="https://example.org/hook"))

    assert response.status_code == 302
    assert ChatHook.get().mention_members is False


# The 未交名单 reaches a DingTalk robot with the number in atMobiles -----------------------------

PUBLISH = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
IN_DUE_SOON = PUBLISH + timedelta(hours=72 - 24, minutes=1)


def test_jobs_post_the_missing_list_to_dingtalk_with_at_mobiles(app, receiver):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, language="en")
    case = make_case(cohort, publish_at=PUBLISH, title="Fresh produce")
    consented = datetime(2026, 12, 1, tzinfo=UTC)
    make_member(cohort, make_user(display_name="王芳", group_nickname="小王",
                                  mention_phone="+8613800138000", mention_consent_at=consented))
    make_member(cohort, make_user(display_name="赵六", mention_phone="13900139000"))
    writer = make_member(cohort, make_user(display_name="认真同学", mention_phone="13700137000",
                                           mention_consent_at=consented))
    submit_homework(case, writer, "我会先建三个群", now=PUBLISH + timedelta(hours=1))
    for name, on in (("pings", True), ("plain", False)):
        chat_hooks.add_hook(cohort, actor=host, kind="dingtalk", label=name,
                            url=receiver.url(f"/{name}"), secret="", events=["homework_due"],
                            now=PUBLISH, allow_private=True, mention_members=on)

    jobs.run_due(dict(app.config, MAIL_URL="", CHAT_ALLOW_PRIVATE=True), now=IN_DUE_SOON)

    [pings] = [r.json for r in receiver.to("/pings")]
    [plain] = [r.json for r in receiver.to("/plain")]
    assert pings["at"] == {"atMobiles": ["13800138000"], "isAtAll": False}
    assert pings["markdown"]["text"].split("\n\n")[2] == "Still to write (2): @13800138000 @赵六"
    assert ("at" in plain, plain["markdown"]["text"].split("\n\n")[2]) == (
        False, "Still to write (2): @小王 @赵六")


def test_integrations_help_says_what_each_platform_needs_and_how_members_opt_in(client):
    pages = {"en": html_of(client.get("/help/integrations")),
             "zh": html_of(client.get("/help/integrations",
                                      headers={"Accept-Language": "zh-CN"}))}

    for language, page in pages.items():
        section = page[page.index('<h2 id="mentions">'):page.index('<h2 id="api">')]
        assert [word in section for word in ("mentioned_mobile_list", "at.atMobiles",
                                             "<code>user_id</code>", "ou_…")] == [True] * 4, \
            language
        assert '<a href="#mentions">' in page
    assert "Let the group robots @-mention me with this number or Feishu ID" in pages["en"]
    assert "允许群机器人用这个号码或飞书 ID @我" in pages["zh"]
