"""Being introduced through the API (docs/rules.md "Being introduced"): the caller writes
their 自我介绍 and tags through the web form's `save_introduction` (tags as typed or as a
list), the member directory shows them as the web does and never a contact id, 你可能想认识
comes with the reasons; bad input from the corpora is refused with the field and changes
nothing; the directory and suggestions cost the same however many members."""
import pytest

from learnclub.domain.accounts import introductions
from learnclub.models import ProfileTag, User
from tests import corpora
from tests.factories import make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import now

EN = {"Accept-Language": "en"}
MINE = "/api/v1/me/introduction"


def introduce(user, offer="", seek="", text="你好，我是新来的。"):
    return introductions.save_introduction(user, introduction=text, offer=offer, seek=seek,
                                           now=now(), base_url="http://localhost")


def state(user):
    tags = introductions.tags_of(user)
    return User.get_by_id(user.id).introduction, tags.offer, tags.seek


@pytest.fixture
def lab(app):
    return make_cohort(slug="lab", is_public=False)


def test_write_then_read_my_introduction_with_tags_as_typed_or_as_a_list(client, bearer):
    user = make_user()
    headers = bearer(user)

    typed = client.put(MINE, json={"introduction": "我在杭州做社区团购。",
                                   "offer": "社群运营、 Python ，写作", "seek": "融资"},
                       headers=headers)
    listed = client.put(MINE, json={"introduction": "改一改", "offer": ["ＳＱＬ", "写作", "sql"]},
                        headers=headers)
    read = client.get(MINE, headers=headers)

    assert (typed.status_code, typed.get_json()) == (200, {
        "introduction": "我在杭州做社区团购。", "offer": ["社群运营", "python", "写作"],
        "seek": ["融资"], "introduced": True})
    assert listed.get_json() == {"introduction": "改一改", "offer": ["sql", "写作"],
                                 "seek": [], "introduced": True}
    assert read.get_json() == listed.get_json()
    assert state(user) == ("改一改", ["sql", "写作"], [])


def test_a_read_only_token_may_not_write(client, bearer):
    user = make_user()
    response = client.put(MINE, json={"introduction": "你好"}, headers=bearer(user, "read"))
    assert response.status_code == 403
    assert state(user) == ("", [], [])
    assert client.get(MINE, headers=bearer(user, "read")).get_json()["introduced"] is False


@pytest.mark.parametrize(("body", "field"), [
    ({}, "introduction"), ({"introduction": ""}, "introduction"),
    ({"introduction": "   "}, "introduction"), ({"introduction": "长" * 501}, "introduction"),
    ({"introduction": 5}, "introduction"), ({"introduction": None}, "introduction"),
    ({"introduction": "好", "offer": ",".join(str(n) for n in range(9))}, "offer"),
    ({"introduction": "好", "seek": ["太长" * 11]}, "seek"),
    ({"introduction": "好", "seek": [1, 2]}, "seek"), ({"introduction": "好", "offer": None},
                                                      "offer"),
    ({"introduction": "好", "offer": {"a": 1}}, "offer"), (["好"], "body"),
])
def test_bad_input_is_422_with_the_field_and_changes_nothing(client, bearer, body, field):
    user = make_user()
    introduce(user, offer="写作", seek="融资", text="原来的")
    response = client.put(MINE, json=body, headers=bearer(user) | EN)

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["message"]
    assert state(user) == ("原来的", ["写作"], ["融资"])


def test_malformed_json_is_400_and_changes_nothing(client, bearer):
    user = make_user()
    response = client.put(MINE, data=b'{"introduction": "\\ud800"}', headers=bearer(user),
                          content_type="application/json")
    assert (response.status_code, response.get_json()["error"]["field"]) == (400, "body")
    assert state(user) == ("", [], [])


def test_every_naughty_string_is_kept_or_refused_with_the_field(client, bearer):
    user = make_user()
    headers = bearer(user)
    kept, failures = state(user), []
    for text in [*corpora.naughty_strings(), *corpora.xss_payloads()[:300]]:
        response = client.put(MINE, json={"introduction": text, "offer": text, "seek": text},
                              headers=headers)
        if response.status_code == 422:
            if not response.get_json()["error"]["message"] or state(user) != kept:
                failures.append(("refused without a message or changed", text))
            continue
        tags = introductions.parse_tags(text)
        kept = (text, tags, tags)
        if response.status_code != 200 or state(user) != kept or response.get_json() != {
                "introduction": text, "offer": tags, "seek": tags, "introduced": True}:
            failures.append((response.status_code, text))
    assert failures == []


def test_the_directory_shows_introductions_and_tags_and_no_contact_ids(client, bearer, lab):
    ann = make_member(lab, make_user(display_name="安", city="杭州"))
    bob = make_member(lab, make_user(display_name="鲍勃"))
    gone = make_member(lab, make_user(display_name="离开的"), status="removed")
    User.update(mention_phone="13800138000", feishu_user_id="ou_secret").where(
        User.id.in_([ann.id, bob.id])).execute()
    introduce(ann, offer="社群运营", seek="融资", text="我是安")

    response = client.get("/api/v1/cohorts/lab/directory", headers=bearer(bob))
    body = response.get_data(as_text=True)
    entries = {e["user"]["display_name"]: e for e in response.get_json()["items"]}
    found = client.get("/api/v1/cohorts/lab/directory?q=社群", headers=bearer(bob)).get_json()

    assert set(entries) == {lab.created_by.display_name, "安", "鲍勃"}  # not 离开的
    assert (entries["安"]["introduction"], entries["安"]["offer_tags"],
            entries["安"]["seek_tags"], entries["安"]["city"]) == (
        "我是安", ["社群运营"], ["融资"], "杭州")
    assert "13800138000" not in body
    assert "ou_secret" not in body
    assert [e["user"]["id"] for e in found["items"]] == [ann.id]
    assert gone not in [e["user"]["id"] for e in response.get_json()["items"]]


def test_suggestions_come_with_the_reason_and_only_from_active_members(client, bearer, lab):
    me = make_member(lab)
    giver = make_member(lab, make_user(display_name="给予者"))
    similar = make_member(lab, make_user(display_name="相近的"))
    gone = make_member(lab, make_user(display_name="离开的"), status="removed")
    introduce(me, seek="融资、社群运营")
    introduce(giver, offer="融资")
    introduce(similar, offer="社群增长")
    introduce(gone, offer="融资")

    listed = client.get("/api/v1/cohorts/lab/suggestions", headers=bearer(me)).get_json()

    assert [(s["user"]["display_name"], s["reasons"]) for s in listed["items"]] == [
        ("给予者", [{"sought": "融资", "offered": "融资", "in_common": "", "exact": True}]),
        ("相近的", [{"sought": "社群运营", "offered": "社群增长", "in_common": "社群",
                    "exact": False}])]
    assert listed["next_cursor"] is None
    assert client.get("/api/v1/cohorts/lab/suggestions",
                      headers=bearer(giver)).get_json()["items"] == []


def test_directory_and_suggestions_are_for_members(client, bearer, lab):
    outsider, removed = make_user(), make_member(lab, status="removed")
    public = make_cohort(slug="open")
    guest = make_member(lab, role="guest")
    for path in ("directory", "suggestions"):
        assert client.get(f"/api/v1/cohorts/lab/{path}",
                          headers=bearer(outsider)).status_code == 404
        assert client.get(f"/api/v1/cohorts/lab/{path}",
                          headers=bearer(removed)).status_code == 403
        assert client.get(f"/api/v1/cohorts/open/{path}",
                          headers=bearer(outsider)).status_code == 403
        assert client.get(f"/api/v1/cohorts/lab/{path}", headers=bearer(guest)).status_code == 200
    assert public


@pytest.mark.parametrize("path", ["directory", "suggestions"])
def test_the_cost_does_not_grow_with_members(client, bearer, lab, path):
    me = make_member(lab)
    introduce(me, seek="融资")
    headers = bearer(me)

    def cost():
        with count_queries() as statements:
            assert client.get(f"/api/v1/cohorts/lab/{path}", headers=headers).status_code == 200
        return len(statements)

    cost()  # the token's first use is written down: not counted below
    for n in range(2):
        introduce(make_member(lab), offer="融资", seek=f"标签{n}")
    few = cost()
    for n in range(6):
        introduce(make_member(lab), offer="融资、写作", seek=f"话题{n}")
    many = cost()

    assert few == many
    assert ProfileTag.select().count() > 10
