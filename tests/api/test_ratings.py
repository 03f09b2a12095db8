"""Talk ratings through the API (docs/rules.md "Ratings after a session"): a member who was
there rates a held talk as on the web (`rate_talk`), a refusal carries the rule's reason and
changes nothing; each reader sees what `ratings_seen_by` lets them (staff names, the speaker
no names, others their own rating); bad input from the corpora; fixed query counts."""
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.sharing import ratings
from learnclub.models import Membership, Talk
from learnclub.models.talk_ratings import TalkRating
from tests import corpora
from tests.factories import make_cohort, make_held_talk, make_member, make_user
from tests.query_count import count_queries

EN = {"Accept-Language": "en"}



@pytest.fixture
def lab(app):
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="主持人"),
                       slug="lab",
                       is_public=False)


@pytest.fixture
def speaker(lab):
    return make_member(lab, make_user(locale="en", display_name="嘉宾老王"), role="guest")


@pytest.fixture
def ann(lab):
    return make_member(lab, make_user(locale="en", display_name="安"))


@pytest.fixture
def talk(lab, speaker, ann):
    return make_held_talk(lab, speaker)


def url(talk, tail=""):
    return f"/api/v1/cohorts/lab/talks/{talk.id}/ratings{tail}"


def put(client, headers, talk, body):
    return client.put(url(talk, "/mine"), json=body, headers=headers | EN)


def stored(talk):
    return sorted((r.rater_id, r.score, r.line) for r in TalkRating.select().where(
        TalkRating.talk == talk.id))


def test_member_rates_then_changes_the_rating_and_reads_only_their_own(client, bearer, talk,
                                                                         ann):
    headers = bearer(ann)
    first = put(client, headers, talk, {"score": 4, "line": "很实用"})
    second = put(client, headers, talk, {"score": 5})
    seen = client.get(url(talk), headers=headers).get_json()

    assert (first.status_code, first.get_json()["score"]) == (201, 4)
    assert (second.status_code, second.get_json()) == (200, second.get_json() | {
        "score": 5, "line": ""})
    assert stored(talk) == [(ann.id, 5, "")]
    assert (seen["may_rate"], seen["refusal"], seen["mine"]["score"]) == (True, None, 5)
    assert (seen["sees"], seen["summary"], seen["lines"]) == (None, None, None)
    assert seen["closes_at"] == ratings.rating_closes(talk).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_speaker_sees_average_count_and_lines_without_names(client, bearer, lab, talk,
                                                                 ann, speaker):
    bob = make_member(lab, make_user(display_name="鲍勃"))
    for who, score, line in ((ann, 4, "很实用"), (bob, 3, "")):
        ratings.rate_talk(talk, who, score=score, line=line, now=clock.now())

    seen = client.get(url(talk), headers=bearer(speaker)).get_json()
    refused = put(client, bearer(speaker), talk, {"score": 5})

    assert (seen["sees"], seen["summary"]) == ("anonymous", {"count": 2, "average": 3.5})
    assert [(line["score"], line["line"], line["rater"]) for line in seen["lines"]] == [
        (4, "很实用", None)]
    assert (seen["may_rate"], seen["refusal"]) == (False, "speaker")
    assert "安" not in refused.get_data(as_text=True) + str(seen)
    assert (refused.status_code, refused.get_json()["error"]["message"]) == (
        403, "You cannot rate your own talk.")


def test_staff_see_every_rating_with_its_rater(client, bearer, lab, talk, ann):
    ratings.rate_talk(talk, ann, score=2, line="", now=clock.now())
    assistant = make_member(lab, role="assistant")

    seen = client.get(url(talk), headers=bearer(assistant)).get_json()

    assert seen["sees"] == "named"
    assert [(line["score"], line["rater"]["display_name"]) for line in seen["lines"]] == [
        (2, "安")]


@pytest.mark.parametrize("case", ["too_late", "joined_later", "removed", "read_only"])
def test_refusals_give_the_rule_s_reason_and_change_nothing(client, bearer, lab, talk, ann,
                                                            case):
    who, scope = ann, "write"
    if case == "too_late":
        clock.travel_to(ratings.rating_closes(talk) + timedelta(minutes=1))
    elif case == "joined_later":
        who = make_user()
        Membership.create(cohort=lab, user=who, role="learner", status="active",
                          joined_at=clock.now())
    elif case == "removed":
        Membership.update(status="removed", removed_at=clock.now()).where(
            Membership.user == ann.id).execute()
    else:
        scope = "read"

    response = put(client, bearer(who, scope=scope), talk, {"score": 5, "line": "好"})

    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == {
        "too_late": "Ratings for this session closed 7 days after it ended.",
        "joined_later": "You joined after this session, so you cannot rate it.",
        "removed": "You are no longer a member of this cohort.",
        "read_only": "This token may only read. Make a token that may read and write to "
                     "change anything."}[case]
    assert stored(talk) == []


def test_outsiders_other_cohorts_and_talks_not_held_are_not_found(client, bearer, lab, talk,
                                                                  speaker):
    other = make_cohort(slug="other")
    elsewhere = make_member(other)
    upcoming = Talk.create(cohort=lab, guest=speaker, topic="还没讲", status="confirmed",
                           created_at=clock.now(), updated_at=clock.now())
    headers = bearer(make_member(lab))

    assert client.get(url(talk), headers=bearer(elsewhere)).status_code == 404
    assert put(client, bearer(elsewhere), talk, {"score": 5}).status_code == 404
    assert client.get(url(upcoming), headers=headers).status_code == 404
    assert client.get(f"/api/v1/cohorts/other/talks/{talk.id}/ratings",
                      headers=bearer(elsewhere)).status_code == 404
    assert client.get(url(talk), headers={}).status_code == 401
    assert stored(talk) == []


@pytest.mark.parametrize(("body", "field"), [
    ({}, "score"), ({"score": 0}, "score"), ({"score": 6}, "score"), ({"score": "5"}, "score"),
    ({"score": 4.5}, "score"), ({"score": True}, "score"), ({"score": None}, "score"),
    ({"score": 5, "line": "两行\n文字"}, "line"), ({"score": 5, "line": "长" * 201}, "line"),
    ({"score": 5, "line": 7}, "line"), ({"score": 5, "line": None}, "line"),
    ({"score": 5, "line": "nul\x00"}, "line"), ([5], "body"),
])
def test_bad_input_is_422_with_the_field_and_changes_nothing(client, bearer, talk, ann, body,
                                                             field):
    response = put(client, bearer(ann), talk, body)

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["message"]
    assert stored(talk) == []


def test_malformed_json_is_400(client, bearer, talk, ann):
    response = client.put(url(talk, "/mine"), data=b'{"score": 5', headers=bearer(ann),
                          content_type="application/json")
    assert (response.status_code, response.get_json()["error"]["field"]) == (400, "body")
    assert stored(talk) == []


def test_every_naughty_line_is_stored_as_sent_or_refused_with_a_message(client, bearer, talk,
                                                                        ann):
    headers = bearer(ann)
    for text in corpora.naughty_strings():
        before = stored(talk)
        response = put(client, headers, talk, {"score": 3, "line": text})
        if response.status_code == 422:
            assert response.get_json()["error"]["field"] == "line", text
            assert stored(talk) == before, text
        else:
            assert response.status_code in (200, 201), (text, response.get_data(as_text=True))
            assert response.get_json()["line"] == text
            assert stored(talk) == [(ann.id, 3, text)]


def test_ratable_talks_list_what_the_member_may_rate(client, bearer, lab, talk, ann, speaker):
    later = make_held_talk(lab, speaker, hours_ahead=3, publish=False)
    listed = client.get("/api/v1/cohorts/lab/talks/ratable", headers=bearer(ann)).get_json()
    archive = client.get("/api/v1/cohorts/lab/archive", headers=bearer(ann)).get_json()

    assert [(t["id"], t["number"]) for t in listed["items"]] == [(later.id, 2), (talk.id, 1)]
    assert listed["next_cursor"] is None
    assert [e["talk_id"] for e in archive["items"]] == [talk.id]
    assert client.get("/api/v1/cohorts/lab/talks/ratable",
                      headers=bearer(speaker)).get_json()["items"] == []


def test_reading_ratings_costs_the_same_however_many_ratings(client, bearer, lab, talk):
    headers = bearer(lab.created_by)
    raters = [make_member(lab) for _ in range(6)]

    def cost():
        with count_queries() as statements:
            assert client.get(url(talk), headers=headers).status_code == 200
        return len(statements)

    cost()  # the token's first use is written down once a minute: not counted below
    ratings.rate_talk(talk, raters[0], score=4, line="一", now=clock.now())
    few = cost()
    for who in raters[1:]:
        ratings.rate_talk(talk, who, score=5, line="二", now=clock.now())
    many = cost()

    assert few == many
    assert client.get(url(talk), headers=headers).get_json()["summary"]["count"] == 6
