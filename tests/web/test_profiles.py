"""Profiles and the member directory."""
from learnclub.models import User
from tests.factories import make_cohort, make_member, make_user
from tests.query_count import count_queries


def test_profile_edit_saves_every_field(client, login_as):
    user = login_as(make_user())

    response = client.post("/profile", data={
        "display_name": "冯宝宝", "city": "上海", "industry": "社区团购",
        "company_title": "小区团长", "offer": "三年团购经验", "looking_for": "供应链伙伴",
        "intro_md": "我在**上海**做团购"})

    assert response.status_code == 302
    saved = User.get_by_id(user.id)
    assert (saved.display_name, saved.city, saved.industry, saved.company_title, saved.offer,
            saved.looking_for, saved.intro_md) == (
        "冯宝宝", "上海", "社区团购", "小区团长", "三年团购经验", "供应链伙伴",
        "我在**上海**做团购")
    page = client.get(f"/u/{user.id}").get_data(as_text=True)
    assert "<strong>上海</strong>" in page


def test_profile_requires_a_name_and_keeps_the_old_one(client, login_as):
    user = login_as(make_user(display_name="原名"))

    response = client.post("/profile", data={"display_name": "   ", "city": "北京"})

    assert response.status_code == 200
    assert "Name is required." in response.get_data(as_text=True)
    assert (User.get_by_id(user.id).display_name, User.get_by_id(user.id).city) == ("原名", "")


def test_profile_too_long_field_says_by_how_much(client, login_as):
    login_as(make_user())

    response = client.post("/profile", data={"display_name": "A", "city": "长" * 301})

    assert "City is 301 characters long; the limit is 300." in response.get_data(as_text=True)


def test_profile_of_stranger_is_not_shown(client, login_as):
    stranger = make_user()
    login_as(make_user())

    assert client.get(f"/u/{stranger.id}").status_code == 404


def test_directory_filters_by_city_industry_and_text(client, login_as):
    cohort = make_cohort()
    viewer = login_as(make_member(cohort))
    make_member(cohort, make_user(display_name="上海团长", city="上海", industry="社区团购"))
    make_member(cohort, make_user(display_name="北京老师", city="北京", industry="教育培训",
                                  offer="擅长做读书会"))
    make_member(cohort, make_user(display_name="已离开", city="上海"), status="removed")

    by_city = client.get(f"/c/{cohort.slug}/members?city=上海").get_data(as_text=True)
    by_text = client.get(f"/c/{cohort.slug}/members?q=读书会").get_data(as_text=True)
    by_industry = client.get(f"/c/{cohort.slug}/members?industry=教育").get_data(as_text=True)

    assert ("上海团长" in by_city, "北京老师" in by_city, "已离开" in by_city) == (
        True, False, False)
    assert ("北京老师" in by_text, "上海团长" in by_text) == (True, False)
    assert ("北京老师" in by_industry, "上海团长" in by_industry) == (True, False)
    assert viewer.display_name in client.get(f"/c/{cohort.slug}/members").get_data(as_text=True)


def test_directory_wildcards_are_literal(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort))
    make_member(cohort, make_user(display_name="百分百", city="100%"))
    make_member(cohort, make_user(display_name="别的城市", city="1000"))

    page = client.get(f"/c/{cohort.slug}/members?q=100%25").get_data(as_text=True)

    assert ("百分百" in page, "别的城市" in page) == (True, False)


def test_directory_query_count_does_not_grow_with_members(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort))
    with count_queries() as few:
        client.get(f"/c/{cohort.slug}/members")
    for _ in range(25):
        make_member(cohort, make_user(city="杭州"))

    with count_queries() as many:
        client.get(f"/c/{cohort.slug}/members")

    assert len(many) == len(few)
