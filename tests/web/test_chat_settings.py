"""What the chat group needs from people and cohorts: a learner's group nickname (群昵称) on
the profile, and the language a cohort's chat-group posts are written in."""
import re

import pytest
from markupsafe import escape

from learnclub.models import Cohort, User
from tests.factories import default_settings, make_cohort, make_user
from tests.web.test_corpora import naughty_strings

NOT_ONE_LINE = "must be one line, without line breaks, tabs or other control characters."


def html_of(response):
    return response.get_data(as_text=True)


def profile_form(**overrides):
    form = {"display_name": "王小明", "group_nickname": ""}
    form.update(overrides)
    return form


def field_error(response, field):
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html_of(response))
    return found.group(1) if found else None


def settings_form(**overrides):
    form = {k: ("y" if v is True else str(v)) for k, v in default_settings().items()
            if v is not False and v is not None}
    form.update(overrides)
    return form


def test_group_nickname_is_saved_and_shown_on_the_profile(client, login_as):
    user = login_as(make_user(display_name="王小明"))

    response = client.post("/profile", data=profile_form(group_nickname="小明-杭州 🌱"))
    page = html_of(client.get(f"/u/{user.id}"))

    assert response.status_code == 302
    assert User.get_by_id(user.id).group_nickname == "小明-杭州 🌱"
    assert re.search(r'<p class="group-nickname">Group nickname: <span class="nick">([^<]*)'
                     r"</span></p>", page).group(1) == "@小明-杭州 🌱"


def test_group_nickname_is_optional_and_can_be_cleared(client, login_as):
    user = login_as(make_user(group_nickname="小明"))

    response = client.post("/profile", data=profile_form(group_nickname=""))

    assert response.status_code == 302
    assert User.get_by_id(user.id).group_nickname == ""
    assert "group-nickname" not in html_of(client.get(f"/u/{user.id}"))


@pytest.mark.parametrize("nickname", ["小明\n杭州", "小明\r\n", "小明\t杭州", "\x1b[31m小明",
                                      "小明\u2028杭州", "小明\x85"])
def test_group_nickname_refuses_line_breaks_and_control_characters(client, login_as, nickname):
    user = login_as(make_user(group_nickname="小明"))

    response = client.post("/profile", data=profile_form(display_name="新名字",
                                                         group_nickname=nickname))

    assert response.status_code == 200
    assert field_error(response, "group_nickname") == f"Group nickname {NOT_ONE_LINE}"
    assert (User.get_by_id(user.id).display_name, User.get_by_id(user.id).group_nickname) == (
        user.display_name, "小明")


def test_group_nickname_refuses_only_spaces_and_more_than_100_characters(client, login_as):
    user = login_as(make_user(group_nickname="小明"))

    spaces = client.post("/profile", data=profile_form(group_nickname="   "))
    long = client.post("/profile", data=profile_form(group_nickname="群" * 101))
    just_right = client.post("/profile", data=profile_form(group_nickname="群" * 100))

    assert field_error(spaces, "group_nickname") == (
        "Group nickname cannot be only spaces; leave it empty to be mentioned by your name.")
    assert field_error(long, "group_nickname") == (
        "Group nickname is 101 characters long; the limit is 100.")
    assert just_right.status_code == 302
    assert User.get_by_id(user.id).group_nickname == "群" * 100


def test_group_nickname_form_keeps_what_was_typed(client, login_as):
    login_as(make_user())

    response = client.post("/profile", data=profile_form(display_name="", group_nickname="小明"))

    assert field_error(response, "display_name") == "Name is required."
    assert re.search(r'<input [^>]*id="group_nickname"[^>]*>', html_of(response)).group(0) == (
        '<input aria-describedby="group_nickname-hint" id="group_nickname" '
        'name="group_nickname" type="text" value="小明">')


def _nickname_refused(text):
    one_line = not any(c in text for c in "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029") and all(
        ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in text)
    return not one_line or len(text) > 100 or (text and not text.strip())


def test_group_nickname_takes_every_naughty_string_or_says_why(client, login_as):
    user = login_as(make_user(locale="en"))
    failures = []
    for text in naughty_strings():
        before = User.get_by_id(user.id).group_nickname
        response = client.post("/profile", data=profile_form(group_nickname=text))
        after = User.get_by_id(user.id).group_nickname
        if _nickname_refused(text):
            if after != before or response.status_code != 200 or not field_error(
                    response, "group_nickname"):
                failures.append(("refusal", text, response.status_code, after))
            continue
        if (response.status_code, after) != (302, text):
            failures.append(("stored", text, response.status_code, after))
            continue
        if text:
            page = html_of(client.get(f"/u/{user.id}"))
            if f'<span class="nick">@{escape(text)}</span>' not in page:
                failures.append(("shown", text))

    assert failures == []


def test_cohort_language_is_saved_from_the_settings_form(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    response = client.post(f"/c/{cohort.slug}/settings", data=settings_form(language="en"))
    page = html_of(client.get(f"/c/{cohort.slug}/settings"))

    assert response.status_code == 302
    assert Cohort.get_by_id(cohort.id).language == "en"
    assert re.findall(r'<option ([^>]*)value="(\w+)">', page[page.index('id="language"'):]
                      )[:2] == [("", "zh_Hans_CN"), ("selected ", "en")]


def test_new_cohort_posts_in_chinese_unless_chosen_otherwise(client, login_as):
    login_as(make_user(can_host=True))

    page = html_of(client.get("/new"))

    assert re.search(r'<select [^>]*id="language"[^>]*><option selected value="(\w+)">',
                     page).group(1) == "zh_Hans_CN"


@pytest.mark.parametrize("language", ["fr", "", "zh_Hant_TW", "<script>"])
def test_cohort_language_outside_the_list_is_refused(client, login_as, language):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host, language="en")

    response = client.post(f"/c/{cohort.slug}/settings",
                           data=settings_form(language=language, capacity="12"))

    assert response.status_code == 200
    assert field_error(response, "language") == (
        "Choose the language of chat-group posts from the list.")
    assert (Cohort.get_by_id(cohort.id).language, Cohort.get_by_id(cohort.id).capacity) == (
        "en", 40)
