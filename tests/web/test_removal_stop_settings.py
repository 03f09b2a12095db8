"""The safety stop on mass removal in the cohort settings form (docs/rules.md "Cohort settings",
"Safety stop"): staff set `removal_stop_percent` (1–100) and `removal_stop_count`
(1–10,000); a change is saved and in the cohort log; a number out of range, or no number, is
refused with a message naming the field and nothing changes; no string posted into them ever
gives a server error."""
import re

import pytest

from learnclub.models import Cohort
from tests.factories import make_cohort, make_user
from tests.web.test_corpora import html_of, naughty_strings, settings_form, settings_row

PERCENT = "Safety stop: most learners one check may remove (percent of active learners)"
COUNT = "Safety stop: most learners one check may remove (people)"


def error_of(response, field):
    """The message under the field on the form that came back, or None."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html_of(response))
    return found and found.group(1)


@pytest.fixture
def lab(client, login_as):
    host = login_as(make_user(can_host=True, locale="en"))
    return make_cohort(host, slug="lab")


def test_settings_form_shows_both_numbers(client, lab):
    page = html_of(client.get("/c/lab/settings"))

    assert re.search(r'<input[^>]*id="removal_stop_percent"[^>]*value="20"', page)
    assert re.search(r'<input[^>]*id="removal_stop_count"[^>]*value="5"', page)
    assert f'<label for="removal_stop_count">{COUNT}</label>' in page


def test_new_values_are_saved_and_logged(client, lab):
    response = client.post("/c/lab/settings", data=settings_form(
        removal_stop_percent=35, removal_stop_count=12))

    cohort = Cohort.get_by_id(lab.id)
    log = html_of(client.get("/c/lab/audit"))
    assert response.status_code == 302, html_of(response)
    assert (cohort.removal_stop_percent, cohort.removal_stop_count) == (35, 12)
    assert f"<li>{PERCENT}: 20 → 35</li>" in log
    assert f"<li>{COUNT}: 5 → 12</li>" in log


def test_a_form_without_them_keeps_the_cohort_values(client, lab):
    Cohort.update(removal_stop_percent=40, removal_stop_count=9).where(
        Cohort.id == lab.id).execute()
    form = settings_form(capacity=30)
    del form["removal_stop_percent"], form["removal_stop_count"]

    response = client.post("/c/lab/settings", data=form)

    cohort = Cohort.get_by_id(lab.id)
    assert response.status_code == 302, html_of(response)
    assert (cohort.capacity, cohort.removal_stop_percent, cohort.removal_stop_count) == (
        30, 40, 9)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("removal_stop_percent", "0", f"{PERCENT}: enter a whole number from 1 to 100."),
    ("removal_stop_percent", "101", f"{PERCENT}: enter a whole number from 1 to 100."),
    ("removal_stop_percent", "", f"{PERCENT}: enter a whole number from 1 to 100."),
    ("removal_stop_percent", "20%", f"{PERCENT}: enter a whole number from 1 to 100."),
    ("removal_stop_count", "0", f"{COUNT}: enter a whole number from 1 to 10000."),
    ("removal_stop_count", "10001", f"{COUNT}: enter a whole number from 1 to 10000."),
    ("removal_stop_count", "-5", f"{COUNT}: enter a whole number from 1 to 10000."),
    ("removal_stop_count", "2.5", f"{COUNT}: enter a whole number from 1 to 10000."),
])
def test_out_of_range_is_refused_naming_the_field_and_nothing_changes(client, lab, field,
                                                                      value, message):
    before = settings_row(lab.id)

    response = client.post("/c/lab/settings", data=settings_form(capacity=30, **{field: value}))

    assert response.status_code == 200
    assert error_of(response, field) == message
    assert settings_row(lab.id) == before


def test_refusal_in_chinese_names_the_field(client, lab):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    lab.created_by.locale = "zh_Hans_CN"
    lab.created_by.save()

    response = client.post("/c/lab/settings", data=settings_form(removal_stop_count=20000))

    assert error_of(response, "removal_stop_count") == (
        "安全上限：一次检查最多请出的学员（人数）：请输入 1 到 10000 之间的整数。")


def test_naughty_strings_in_both_fields_never_give_a_server_error(client, lab):
    failures = []
    for text in naughty_strings():
        before = settings_row(lab.id)
        response = client.post("/c/lab/settings", data=settings_form(
            removal_stop_percent=text, removal_stop_count=text))
        after = settings_row(lab.id)
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is not None and 1 <= number <= 100:  # a whole number both fields take
            if (response.status_code, after["removal_stop_percent"],
                    after["removal_stop_count"]) != (302, number, number):
                failures.append(("stored", text, response.status_code))
        elif response.status_code != 200 or after != before or not (
                error_of(response, "removal_stop_percent")
                or error_of(response, "removal_stop_count")):
            failures.append(("refusal", text, response.status_code))

    assert failures == []
