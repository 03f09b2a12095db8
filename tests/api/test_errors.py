"""Every error under /api/ has one shape, {"error": {"code", "message", "field"}}, in the
token owner's language (else the Accept-Language one): routed or not, raised by a rule, by
werkzeug or by the API itself."""
from datetime import timedelta

import pytest

from learnclub.models import User
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import START

NOW = START  #: where the clock fixture starts every test


def _error(response):
    assert response.content_type == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "field", "message"]
    return response.status_code, body["error"]["code"], body["error"]["field"]


def test_each_kind_of_error_has_the_same_shape(client, bearer):
    cohort = make_cohort(homework_min_length=5)
    case = make_case(cohort, publish_at=NOW - timedelta(hours=1))
    learner = make_member(cohort)
    headers = bearer(learner)
    mine = f"/api/v1/cohorts/{cohort.slug}/cases/{case.id}/homework/mine"

    answers = [
        client.get("/api/v1/me"),
        client.get(f"/api/v1/cohorts/{cohort.slug}/members", headers=headers),
        client.get("/api/v1/cohorts/nope", headers=headers),
        client.get("/api/v1/no/such/address", headers=headers),
        client.get("/api", headers=headers),
        client.delete("/api/v1/me", headers=headers),
        client.put(mine, json={"body": "短"}, headers=headers),
        client.put(mine, data="{not json", headers=headers),
        client.get(f"/api/v1/cohorts/{cohort.slug}/homework?case_id=x", headers=headers),
        client.get(f"/api/v1/cohorts/{cohort.slug}/cases/{2**70}", headers=headers),
    ]

    assert [_error(a) for a in answers] == [
        (401, "unauthorized", None), (403, "forbidden", None), (404, "not_found", None),
        (404, "not_found", None), (404, "not_found", None), (405, "method_not_allowed", None),
        (422, "invalid", "body"), (400, "invalid", "body"), (400, "invalid", "case_id"),
        (404, "not_found", None)]
    assert sorted(answers[5].headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert answers[0].headers["WWW-Authenticate"] == 'Bearer realm="learnclub"'


def test_errors_speak_the_token_owners_language_before_the_browsers(client, bearer):
    cohort = make_cohort()
    chinese, english = make_member(cohort), make_member(cohort)
    User.update(locale="zh_Hans_CN").where(User.id == chinese.id).execute()
    User.update(locale="en").where(User.id == english.id).execute()
    url = f"/api/v1/cohorts/{cohort.slug}/members"

    zh = client.get(url, headers={**bearer(chinese), "Accept-Language": "en"}).get_json()
    en = client.get(url, headers={**bearer(english), "Accept-Language": "zh-CN"}).get_json()

    assert zh["error"]["message"] == "只有具备相应角色的社群成员才能访问此页面。"
    assert en["error"]["message"] == "This page is for members of the cohort with the right role."


@pytest.mark.parametrize(("language", "message"), [
    ("en", "This page is for members of the cohort with the right role."),
    ("zh-CN,zh;q=0.9", "只有具备相应角色的社群成员才能访问此页面。"),
    ("", "只有具备相应角色的社群成员才能访问此页面。")])  # the site's default language
def test_errors_follow_accept_language_when_the_owner_chose_none(client, bearer, language,
                                                                   message):
    cohort = make_cohort()
    headers = {**bearer(make_member(cohort)), "Accept-Language": language}

    response = client.get(f"/api/v1/cohorts/{cohort.slug}/members", headers=headers)

    assert response.get_json()["error"]["message"] == message


def test_web_pages_keep_their_html_error_pages(client):
    make_user()

    response = client.get("/no/such/page")

    assert (response.status_code, response.mimetype) == (404, "text/html")


def test_chinese_is_sent_as_utf8_not_as_escapes(client, bearer):
    cohort = make_cohort()
    chinese = make_member(cohort)
    User.update(locale="zh_Hans_CN").where(User.id == chinese.id).execute()

    response = client.get(f"/api/v1/cohorts/{cohort.slug}/members", headers=bearer(chinese))

    assert response.data.decode("utf-8") == (
        '{"error":{"code":"forbidden","field":null,'
        '"message":"只有具备相应角色的社群成员才能访问此页面。"}}\n')
