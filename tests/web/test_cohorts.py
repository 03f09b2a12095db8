"""Cohorts, admission and roles through the test client."""
from learnclub.models import Application, Cohort, Invite, Membership, MembershipEvent, OutboxMessage
from tests.factories import default_settings, make_application, make_cohort, make_member, make_user
from tests.query_count import count_queries


def _settings_form(**overrides):
    form = {k: ("y" if v is True else v) for k, v in default_settings().items()
            if v is not False and v is not None}
    form.update(overrides)
    return form


def test_host_creates_cohort_and_becomes_its_host(client, login_as):
    host = login_as(make_user(can_host=True))

    response = client.post("/new", data=_settings_form(slug="lab-2026", name="社群实验室"))

    assert response.status_code == 302
    cohort = Cohort.get(Cohort.slug == "lab-2026")
    membership = Membership.get(Membership.cohort == cohort)
    assert (membership.user_id, membership.role) == (host.id, "host")
    assert cohort.timezone == "Asia/Shanghai"


def test_learner_without_host_right_cannot_create_cohort(client, login_as):
    login_as(make_user())

    response = client.post("/new", data=_settings_form(slug="nope"))

    assert response.status_code == 403
    assert Cohort.select().count() == 0


def test_cohort_settings_reject_cadence_out_of_order(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    response = client.post(f"/c/{cohort.slug}/settings", data=_settings_form(
        cadence_min_days=5, cadence_target_days=4, cadence_max_days=3))

    assert response.status_code == 200
    assert "minimum ≤ target ≤ maximum" in response.get_data(as_text=True)
    assert Cohort.get_by_id(cohort.id).cadence_min_days == 3


def test_cohort_settings_reject_unknown_timezone(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    response = client.post(f"/c/{cohort.slug}/settings", data=_settings_form(
        timezone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    assert Cohort.get_by_id(cohort.id).timezone == "Asia/Shanghai"


def test_cohort_settings_non_number_is_a_form_error(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    response = client.post(f"/c/{cohort.slug}/settings", data=_settings_form(capacity="forty"))

    assert response.status_code == 200
    assert Cohort.get_by_id(cohort.id).capacity == 40


def test_host_saves_every_setting(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)

    client.post(f"/c/{cohort.slug}/settings", data=_settings_form(
        timezone="America/New_York", capacity=12, reminder_hours="2, 24", sharing_weekday=2,
        sharing_time="19:30", peer_visibility="after_due", strike_limit=2))

    saved = Cohort.get_by_id(cohort.id)
    assert (saved.timezone, saved.capacity, saved.reminder_hours, saved.sharing_weekday,
            saved.sharing_time, saved.peer_visibility, saved.strike_limit) == (
        "America/New_York", 12, "24,2", 2, "19:30", "after_due", 2)


def test_visitor_applies_and_host_admits(client, login_as):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host)
    applicant = login_as(make_user())
    client.post(f"/c/{cohort.slug}/apply",
                data={"motivation": "想学社群运营", "background": "宝妈"})
    application = Application.get(Application.user == applicant)
    client.post("/logout")
    login_as(host)

    response = client.post(f"/c/{cohort.slug}/applications/{application.id}/admitted",
                           data={"message": "欢迎!"})

    assert response.status_code == 302
    membership = Membership.get((Membership.cohort == cohort) & (Membership.user == applicant))
    assert (membership.role, membership.status) == ("learner", "active")
    mail = OutboxMessage.get(OutboxMessage.key == f"application:{application.id}:admitted")
    assert mail.to_addr == applicant.email
    assert "欢迎!" in mail.body
    event = MembershipEvent.get(MembershipEvent.action == "admitted")
    assert (event.user_id, event.actor_id) == (applicant.id, host.id)


def test_admitting_beyond_capacity_is_refused(client, login_as):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, capacity=1)
    make_member(cohort)
    application = make_application(cohort)
    login_as(host)

    response = client.post(f"/c/{cohort.slug}/applications/{application.id}/admitted",
                           data={}, follow_redirects=True)

    assert "The cohort is full (1 seats)" in response.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == "submitted"
    assert Membership.active_learners(cohort).count() == 1


def test_host_rejects_with_message_and_waitlists(client, login_as):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host)
    rejected, waiting = make_application(cohort), make_application(cohort)
    login_as(host)

    client.post(f"/c/{cohort.slug}/applications/{rejected.id}/rejected",
                data={"message": "下期再见"})
    client.post(f"/c/{cohort.slug}/applications/{waiting.id}/waitlisted", data={})

    assert Application.get_by_id(rejected.id).status == "rejected"
    assert Application.get_by_id(waiting.id).status == "waitlisted"
    assert Membership.active_learners(cohort).count() == 0
    assert "下期再见" in OutboxMessage.get(
        OutboxMessage.key == f"application:{rejected.id}:rejected").body


def test_learner_cannot_review_applications(client, login_as):
    cohort = make_cohort()
    learner = login_as(make_member(cohort))
    application = make_application(cohort)

    page = client.get(f"/c/{cohort.slug}/applications")
    decide = client.post(f"/c/{cohort.slug}/applications/{application.id}/admitted", data={})

    assert (page.status_code, decide.status_code) == (403, 403)
    assert Application.get_by_id(application.id).status == "submitted"
    assert learner.id != application.user_id


def test_assistant_reviews_but_cannot_change_roles(client, login_as):
    cohort = make_cohort()
    assistant = login_as(make_member(cohort, role="assistant"))
    learner = make_member(cohort)

    review = client.get(f"/c/{cohort.slug}/applications")
    role = client.post(f"/c/{cohort.slug}/members/{learner.id}/role", data={"role": "host"})

    assert (review.status_code, role.status_code) == (200, 403)
    assert Membership.get(Membership.user == learner).role == "learner"
    assert assistant.id != learner.id


def test_last_host_cannot_step_down(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)
    other = make_member(cohort)
    client.post(f"/c/{cohort.slug}/members/{other.id}/role", data={"role": "assistant"})

    response = client.post(f"/c/{cohort.slug}/members/{host.id}/role", data={"role": "learner"},
                           follow_redirects=True)

    assert "A cohort needs at least one host." in response.get_data(as_text=True)
    assert Membership.get(Membership.user == host).role == "host"
    assert Membership.get(Membership.user == other).role == "assistant"


def test_invite_link_admits_directly_until_revoked(client, login_as):
    host = login_as(make_user(can_host=True))
    cohort = make_cohort(host=host)
    client.post(f"/c/{cohort.slug}/invites", data={"days_valid": 7, "role": "learner"})
    invite = Invite.get(Invite.cohort == cohort)
    client.post("/logout")
    joiner = login_as(make_user())

    client.post(f"/join/{invite.token}")

    assert Membership.get(Membership.user == joiner).role == "learner"
    client.post("/logout")
    login_as(host)
    client.post(f"/c/{cohort.slug}/invites/{invite.id}/revoke")
    client.post("/logout")
    late = login_as(make_user())
    assert client.get(f"/join/{invite.token}").status_code == 410
    assert client.post(f"/join/{invite.token}").status_code == 410
    assert Membership.select().where(Membership.user == late).count() == 0


def test_invite_link_respects_max_uses_and_capacity(client, login_as):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, capacity=1)
    login_as(host)
    client.post(f"/c/{cohort.slug}/invites", data={"days_valid": 3, "max_uses": 5,
                                                   "role": "learner"})
    token = Invite.get(Invite.cohort == cohort).token
    client.post("/logout")
    first = login_as(make_user())
    client.post(f"/join/{token}")
    client.post("/logout")
    login_as(make_user())

    response = client.post(f"/join/{token}", follow_redirects=True)

    assert "The cohort is full" in response.get_data(as_text=True)
    assert [m.user_id for m in Membership.active_learners(cohort)] == [first.id]
    assert Invite.get(Invite.token == token).uses == 1


def test_private_cohort_page_is_for_members_only(client, login_as):
    cohort = make_cohort(is_public=False)

    anonymous = client.get(f"/c/{cohort.slug}/")
    login_as(make_user())
    stranger = client.get(f"/c/{cohort.slug}/")

    assert (anonymous.status_code, stranger.status_code) == (403, 403)


def test_removed_member_sees_an_explanation_not_the_directory(client, login_as):
    cohort = make_cohort()
    login_as(make_member(cohort, status="removed"))

    response = client.get(f"/c/{cohort.slug}/members")

    assert response.status_code == 403
    assert "no longer a member" in response.get_data(as_text=True)


def test_public_cohort_page_shows_apply_to_visitors(client):
    cohort = make_cohort(name="读书会 · 第1期")

    response = client.get(f"/c/{cohort.slug}/")

    assert response.status_code == 200
    assert "读书会 · 第1期" in response.get_data(as_text=True)
    assert f'href="/c/{cohort.slug}/apply"' in response.get_data(as_text=True)


def test_applying_requires_sign_in(client):
    cohort = make_cohort()

    response = client.get(f"/c/{cohort.slug}/apply")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_delete_cohort_needs_typed_slug_and_host_role(client, login_as):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, slug="to-delete")
    login_as(make_member(cohort, role="assistant"))
    assert client.post("/c/to-delete/delete", data={"confirm_slug": "to-delete"}).status_code \
        == 403
    client.post("/logout")
    login_as(host)

    client.post("/c/to-delete/delete", data={"confirm_slug": "wrong"})
    assert Cohort.select().count() == 1
    client.post("/c/to-delete/delete", data={"confirm_slug": "to-delete"})

    assert Cohort.select().count() == 0


def test_new_cohort_form_starts_with_the_default_settings(client, login_as):
    login_as(make_user(can_host=True))

    page = client.get("/new").get_data(as_text=True)

    assert [field in page for field in (
        '<input id="capacity" name="capacity" required type="number" value="40">',
        '<input id="reminder_hours" name="reminder_hours" type="text" value="24,2">',
        '<input checked id="is_public" name="is_public" type="checkbox" value="y">',
        '<option selected value="Asia/Shanghai">', '<option selected value="6">')] == [True] * 5


def test_application_review_query_count_does_not_grow_with_applicants(client, login_as):
    cohort = make_cohort()
    login_as(cohort.created_by)
    make_application(cohort)
    with count_queries() as few:
        client.get(f"/c/{cohort.slug}/applications")
    for _ in range(12):
        make_application(cohort)

    with count_queries() as many:
        page = client.get(f"/c/{cohort.slug}/applications").get_data(as_text=True)

    assert (len(many), page.count('class="card application"')) == (len(few), 13)


def test_changing_the_role_of_someone_outside_the_cohort_is_not_found(client, login_as):
    cohort = make_cohort()
    login_as(cohort.created_by)
    outsider = make_member(make_cohort())

    response = client.post(f"/c/{cohort.slug}/members/{outsider.id}/role",
                           data={"role": "assistant"})

    assert response.status_code == 404
