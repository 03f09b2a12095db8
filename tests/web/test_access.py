"""Every route, asked by every kind of person: the server enforces roles, whatever the UI shows.

The table below must name every rule of the app; a new route without a row fails the test.
"""
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.accounts.api_tokens import create_token
from learnclub.domain.cases.editing import create_case
from learnclub.domain.cohorts.announcements import post_announcement
from learnclub.domain.sharing.talks import generate_slots, propose_talk
from learnclub.models import (
    Announcement,
    Application,
    Case,
    ChatHook,
    Cohort,
    CohortRules,
    Deposit,
    Excuse,
    Invite,
    LeaveRequest,
    Membership,
    OutboxMessage,
    RulesAcknowledgment,
    ShareSlot,
    Submission,
    Talk,
)
from tests.factories import (
    T0,
    make_application,
    make_case,
    make_cohort,
    make_member,
    make_user,
)

PUBLIC = "public"
SIGNED_IN = "signed-in"
MEMBER = "member"
FORMER = "former"  # members, and removed members reading their own past homework
LEARNER = "learner"  # active learners only (homework is theirs to write)
STAFF = "staff"
HOST = "host"
ADMIN = "admin"
TOKEN = "token"  # the secret in the URL is the permission

#: rule -> who may use it
ROUTES = {
    "/static/<path:filename>": PUBLIC, "/setup/<token>": TOKEN, "/signup": PUBLIC,
    "/signup/confirm/<token>": TOKEN, "/login": PUBLIC, "/logout": PUBLIC,
    "/password/forgot": PUBLIC, "/password/reset/<token>": TOKEN,
    "/account/password": SIGNED_IN, "/account/sessions/end-others": SIGNED_IN,
    "/lang/<locale>": PUBLIC, "/": PUBLIC, "/new": ADMIN, "/c/<slug>/": PUBLIC,
    "/c/<slug>/settings": STAFF, "/c/<slug>/members": MEMBER,
    "/c/<slug>/members/<int:user_id>/role": HOST, "/c/<slug>/invites": STAFF,
    "/c/<slug>/invites/<int:invite_id>/revoke": STAFF, "/join/<token>": TOKEN,
    # QR codes: an invite link's for staff; a public cohort's page's for anyone
    "/c/<slug>/invites/<int:invite_id>/qr.<kind>": STAFF, "/c/<slug>/qr.<kind>": PUBLIC,
    "/c/<slug>/delete": HOST, "/c/<slug>/apply": SIGNED_IN, "/c/<slug>/applications": STAFF,
    "/c/<slug>/applications/<int:application_id>/<decision>": STAFF, "/profile": SIGNED_IN,
    "/c/<slug>/applications/decide": STAFF,
    "/c/<slug>/applications/<int:application_id>/mark": STAFF,
    "/c/<slug>/applications/questions": STAFF,
    "/c/<slug>/applications/questions/<int:question_id>": STAFF,
    "/c/<slug>/applications/questions/<int:question_id>/move": STAFF,
    "/c/<slug>/applications/questions/<int:question_id>/remove": STAFF,
    "/u/<int:user_id>": MEMBER, "/admin/mail": ADMIN, "/admin/jobs": ADMIN, "/favicon.ico": PUBLIC,
    "/healthz": PUBLIC,
    "/c/<slug>/cases/": MEMBER, "/c/<slug>/cases/<int:case_id>": MEMBER,
    "/c/<slug>/cases/<int:case_id>/files/<path:name>": MEMBER, "/c/<slug>/cases/new": STAFF,
    "/c/<slug>/cases/<int:case_id>/edit": STAFF, "/c/<slug>/cases/preview": STAFF,
    "/c/<slug>/cases/<int:case_id>/images": STAFF,
    "/c/<slug>/cases/<int:case_id>/<any(archive, restore, up, down):action>": STAFF,
    "/c/<slug>/schedule": STAFF, "/c/<slug>/cases/<int:case_id>/revisions": STAFF,
    # members write too (轮值): the edit, images and preview routes above also open to the
    # member writing a case handed to them (tests/web/test_member_cases.py)
    "/c/<slug>/cases/<int:case_id>/assign": STAFF, "/c/<slug>/cases/assign": STAFF,
    "/c/<slug>/cases/<int:case_id>/approve": STAFF,
    "/c/<slug>/cases/<int:case_id>/send-back": STAFF,
    "/c/<slug>/cases/<int:case_id>/take-back": STAFF,
    "/c/<slug>/cases/<int:case_id>/withdraw-approval": STAFF,
    "/c/<slug>/schedule/sync": STAFF,
    "/c/<slug>/cases/<int:case_id>/homework": LEARNER,
    "/c/<slug>/homework/<int:submission_id>/like": MEMBER,
    "/c/<slug>/homework/<int:submission_id>/comments": MEMBER,
    "/c/<slug>/homework/<int:submission_id>/feature": STAFF,
    "/c/<slug>/homework/preview": MEMBER, "/c/<slug>/homework/mine": FORMER,
    "/c/<slug>/homework/pictures/<int:image_id>.jpg": MEMBER,  # and only if she may read it
    "/c/<slug>/homework/export.md": FORMER,
    "/c/<slug>/tracking": STAFF, "/c/<slug>/tracking.csv": STAFF,
    "/c/<slug>/tracking/cases/<int:case_id>": STAFF,
    "/c/<slug>/members/<int:user_id>/homework": STAFF,  # and the learner themself
    "/c/<slug>/best": MEMBER, "/c/<slug>/leaderboard": MEMBER,
    "/c/<slug>/points/<int:user_id>": MEMBER,
    "/c/<slug>/cases/<int:case_id>/leave": LEARNER, "/c/<slug>/leave": LEARNER,
    "/c/<slug>/participation": STAFF, "/c/<slug>/participation/pause": STAFF,
    "/c/<slug>/cases/<int:case_id>/pause-removals": STAFF,
    "/c/<slug>/leave/<int:request_id>/<any(approve, decline):decision>": STAFF,
    "/c/<slug>/members/<int:user_id>/readmit": STAFF,
    "/c/<slug>/participation/excuse": STAFF, "/c/<slug>/participation/extension": STAFF,
    "/c/<slug>/participation/offer-seats": STAFF, "/c/<slug>/audit": STAFF,
    "/c/<slug>/participation/remove": HOST, "/c/<slug>/participation/confirm-held": HOST,
    "/c/<slug>/membership/leave": MEMBER,
    "/seat/<token>": TOKEN,
    # the cohort here is public: its calendar and feed are anyone's
    "/c/<slug>/calendar": PUBLIC, "/c/<slug>/calendar.ics": PUBLIC,
    "/c/<slug>/calendar/link": MEMBER, "/c/<slug>/calendar/slots": STAFF,
    "/c/<slug>/calendar/slots/<int:slot_id>/move": STAFF,
    "/c/<slug>/calendar/slots/<int:slot_id>/cancel": STAFF,
    # guest sharing: proposing is for members of any role, the review for staff; the
    # cohort is public, so its archive is anyone's; the guest's sessions follow the profile
    "/c/<slug>/talks/new": MEMBER, "/c/<slug>/talks/mine": MEMBER,
    "/c/<slug>/talks/<int:talk_id>/edit": MEMBER,  # and only the talk's own guest
    "/c/<slug>/talks/<int:talk_id>/<any(confirm, withdraw):action>": MEMBER,
    "/c/<slug>/talks": STAFF, "/c/<slug>/talks/<int:talk_id>/accept": STAFF,
    "/c/<slug>/talks/<int:talk_id>/<any(decline, cancel):decision>": STAFF,
    "/c/<slug>/talks/<int:talk_id>/notify": STAFF,
    "/c/<slug>/talks/<int:talk_id>/transcript": STAFF,
    "/c/<slug>/talks/<int:talk_id>/slides": STAFF,
    # ratings of a held session: members present rate it; staff read them with names
    "/c/<slug>/talks/<int:talk_id>/rate": MEMBER,
    "/c/<slug>/talks/<int:talk_id>/ratings": STAFF, "/c/<slug>/talks/<int:talk_id>/note": STAFF,
    "/c/<slug>/archive": PUBLIC, "/c/<slug>/archive/<int:number>": PUBLIC,
    "/c/<slug>/archive/<int:number>/slides.pdf": PUBLIC,
    "/c/<slug>/search": PUBLIC,  # the cohort is public: anyone searches its archive
    "/u/<int:user_id>/talks": MEMBER,
    # guest profiles: one's own photo; a photo follows the profile, or the public session;
    # visitors propose to public cohorts that allow it (off here), the host approves them
    "/profile/photo": SIGNED_IN, "/profile/photo/remove": SIGNED_IN,
    "/u/<int:user_id>/photo.jpg": MEMBER, "/c/<slug>/archive/<int:number>/photo.jpg": PUBLIC,
    "/c/<slug>/talks/propose": SIGNED_IN, "/c/<slug>/talks/proposed": SIGNED_IN,
    "/c/<slug>/talks/<int:talk_id>/approve-guest": STAFF,
    # mail settings: one's own; the unsubscribe link's signed token is the permission
    "/me/notifications": SIGNED_IN, "/me": SIGNED_IN, "/unsubscribe/<token>": TOKEN,
    # chat-group robots: staff who may edit the cohort; the help page is anyone's
    "/c/<slug>/integrations": STAFF, "/c/<slug>/integrations/new": STAFF,
    "/c/<slug>/integrations/<int:hook_id>/edit": STAFF,
    "/c/<slug>/integrations/<int:hook_id>/delete": STAFF,
    "/c/<slug>/integrations/<int:hook_id>/test": STAFF, "/help/integrations": PUBLIC,
    # personal API tokens: one's own (revoking someone else's is not found)
    "/me/tokens": SIGNED_IN, "/me/tokens/<int:token_id>/revoke": SIGNED_IN,
    # 自我介绍: the prompt after joining is for the cohort's members; one's own from the profile
    "/c/<slug>/introduce": MEMBER, "/profile/introduction": SIGNED_IN,
    # messages in the app: one's own (someone else's message is not found)
    "/messages": SIGNED_IN, "/messages/<int:message_id>": SIGNED_IN, "/messages/read": SIGNED_IN,
    # announcements (公告): members read them, staff post, pin and unpin; the rules (群规):
    # members read and agree to them, staff write them
    "/c/<slug>/announcements": MEMBER, "/c/<slug>/announcements/<int:announcement_id>": MEMBER,
    "/c/<slug>/announcements/new": STAFF,
    "/c/<slug>/announcements/<int:announcement_id>/<any(pin, unpin):action>": STAFF,
    "/c/<slug>/rules": MEMBER, "/c/<slug>/rules/acknowledge": MEMBER,
    "/c/<slug>/rules/edit": STAFF,
    # deposits (押金): the list, the record form, refunds and the CSV are staff's
    "/c/<slug>/deposits": STAFF, "/c/<slug>/deposits.csv": STAFF,
    "/c/<slug>/deposits/<int:membership_id>": STAFF,
    "/c/<slug>/deposits/<int:membership_id>/refunded": STAFF,
}
#: who is asking -> the kinds of route they may use
ALLOWED = {
    "anonymous": {PUBLIC},
    "outsider": {PUBLIC, SIGNED_IN},
    "learner": {PUBLIC, SIGNED_IN, MEMBER, FORMER, LEARNER},
    "removed": {PUBLIC, SIGNED_IN, FORMER},
    "assistant": {PUBLIC, SIGNED_IN, MEMBER, FORMER, STAFF},
}


def test_every_route_is_in_the_table(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert rules == set(ROUTES) | {rule for rule, _method in API_ROUTES}


def _urls(cohort, target, application, invite, case, submission, leave_request, slot=None,
          talk=None, hook=None, announcement=None):
    values = {"slot_id": slot.id if slot else 0, "hook_id": hook.id if hook else 0,
              "slug": cohort.slug, "user_id": target.id, "invite_id": invite.id,
              "application_id": application.id, "decision": "admitted", "token": "x",
              "locale": "en", "filename": "app.css", "case_id": case.id, "name": "a.png",
              "any(archive, restore, up, down):action": "archive",
              "submission_id": submission.id, "request_id": leave_request.id,
              "any(approve, decline):decision": "approve",
              "talk_id": talk.id if talk else 0, "number": 1, "token_id": 0, "message_id": 0,
              "any(confirm, withdraw):action": "withdraw",
              "any(decline, cancel):decision": "decline", "kind": "svg",
              "membership_id": Membership.get((Membership.cohort == cohort)
                                              & (Membership.user == target)).id,
              "announcement_id": announcement.id if announcement else 0,
              "any(pin, unpin):action": "unpin", "image_id": 0, "question_id": 0}
    for rule, kind in ROUTES.items():
        url = rule
        for name, value in values.items():
            url = url.replace(f"<{name}>", str(value)).replace(f"<int:{name}>", str(value))
            url = url.replace(f"<path:{name}>", str(value))
        yield rule, kind, url


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_routes_refuse_whoever_lacks_the_role(app, client, login_as, who):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host)
    target = make_member(cohort)
    application = make_application(cohort)
    invite = Invite.create(cohort=cohort, token="live-token", expires_at=T0.replace(year=2099),
                           created_by=host, created_at=T0)
    case = create_case(cohort, {"title": "已发布的案例", "body_md": "正文", "homework_prompt": "",
                                "publish_at": T0}, actor=host, now=T0)
    submission = Submission.create(case=case, user=target, body_md="我的作业", submitted_at=T0,
                                   updated_at=T0)
    leave_request = LeaveRequest.create(cohort=cohort, user=target, case=case, reason="出差",
                                        created_at=T0)
    slot = generate_slots(cohort, now=clock.now())[0]
    talk = propose_talk(cohort, target, topic="从一个群到一张网", abstract="摘要",
                        preferred_slots=[slot], now=clock.now())
    hook = ChatHook.create(cohort=cohort, kind="generic", label="学员群",
                           url="http://127.0.0.1:9/hook", secret="k", events="", created_at=T0)
    announcement = post_announcement(cohort, actor=host, title="公告", body_md="正文",
                                     now=clock.now(), base_url="http://x")
    outbox_before = OutboxMessage.select().count()
    if who != "anonymous":
        person = make_user()
        if who in ("learner", "assistant", "removed"):
            make_member(cohort, person, role="learner" if who == "removed" else who,
                        status="removed" if who == "removed" else "active")
        login_as(person)

    leaks = []
    for rule, kind, url in _urls(cohort, target, application, invite, case, submission,
                                 leave_request, slot=slot, talk=talk, hook=hook,
                                 announcement=announcement):
        if kind in ALLOWED[who] or kind == TOKEN or rule == "/logout":
            continue
        for method in ("GET", "POST"):
            response = client.open(url, method=method, data={"role": "host", "message": "x"})
            denied = response.status_code in (403, 404, 405) or (
                response.status_code == 302 and "/login" in response.headers["Location"])
            if not denied:
                leaks.append((method, url, response.status_code))
    assert leaks == []
    assert Application.get_by_id(application.id).status == "submitted"
    assert Case.get_by_id(case.id).archived_at is None
    assert Submission.get_by_id(submission.id).featured_at is None
    assert LeaveRequest.get_by_id(leave_request.id).status == "requested"
    assert Cohort.get_by_id(cohort.id).removals_paused is False
    assert Case.get_by_id(case.id).removals_paused is False
    assert Excuse.select().count() == 0
    assert Deposit.select().count() == 0
    assert (ShareSlot.get_by_id(slot.id).status, ShareSlot.get_by_id(slot.id).sequence) == (
        "open", 0)
    assert ShareSlot.select().where(ShareSlot.kind == "one_off").count() == 0
    assert (Talk.get_by_id(talk.id).status, Talk.get_by_id(talk.id).topic) == (
        "submitted", "从一个群到一张网")
    assert (ChatHook.get_by_id(hook.id).label, OutboxMessage.select().where(
        OutboxMessage.hook.is_null(False)).count()) == ("学员群", 0)
    assert (Announcement.select().count(), Announcement.get_by_id(announcement.id).pinned_at
            is not None, OutboxMessage.select().count()) == (1, True, outbox_before)
    assert (CohortRules.select().count(), RulesAcknowledgment.select().count()) == (0, 0)


# The JSON API answers to tokens, never to the session cookie, so its routes are asked with a
# bearer token of the same kinds of person (and by a signed-in browser without a token, which
# must get nothing). The cohort is public: any token reads its page, calendar and archive.
API_ROUTES = {
    ("/api/v1/openapi.json", "GET"): PUBLIC,
    ("/api/v1/me", "GET"): SIGNED_IN, ("/api/v1/cohorts", "GET"): SIGNED_IN,
    ("/api/v1/messages", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/share-slots", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/archive", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/members", "GET"): STAFF,
    ("/api/v1/cohorts/<slug>/cases", "GET"): MEMBER,
    ("/api/v1/cohorts/<slug>/cases/<int:case_id>", "GET"): MEMBER,
    ("/api/v1/cohorts/<slug>/homework", "GET"): FORMER,
    ("/api/v1/cohorts/<slug>/cases/<int:case_id>/homework/mine", "GET"): FORMER,
    ("/api/v1/cohorts/<slug>/cases/<int:case_id>/homework/mine", "PUT"): LEARNER,
    ("/api/v1/cohorts/<slug>/talks/ratable", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/talks/<int:talk_id>/ratings", "GET"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/talks/<int:talk_id>/ratings/mine", "PUT"): MEMBER,
    ("/api/v1/cohorts/<slug>/deposit/mine", "GET"): MEMBER,
    ("/api/v1/cohorts/<slug>/deposits", "GET"): STAFF,
    ("/api/v1/me/introduction", "GET"): SIGNED_IN, ("/api/v1/me/introduction", "PUT"): SIGNED_IN,
    ("/api/v1/cohorts/<slug>/suggestions", "GET"): MEMBER,
    ("/api/v1/cohorts/<slug>/directory", "GET"): MEMBER,
}
API_ALLOWED = {**ALLOWED, "session-only": {PUBLIC}}


def test_every_api_route_and_method_is_in_the_table(app):
    routed = {(rule.rule, method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == set(API_ROUTES)


@pytest.mark.parametrize("who", sorted(API_ALLOWED))
def test_api_routes_refuse_whoever_lacks_the_role(app, client, login_as, who):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    headers = {}
    if who == "session-only":
        login_as(make_member(cohort, role="assistant"))
    elif who != "anonymous":
        person = make_user()
        if who in ("learner", "assistant", "removed"):
            make_member(cohort, person, role="learner" if who == "removed" else who,
                        status="removed" if who == "removed" else "active")
        secret = create_token(person, name="access", scope="write", now=clock.now())[1]
        headers = {"Authorization": f"Bearer {secret}"}

    leaks = []
    for (rule, method), kind in API_ROUTES.items():
        if kind in API_ALLOWED[who]:
            continue
        url = rule.replace("<slug>", cohort.slug).replace("<int:case_id>", str(case.id))
        response = client.open(url, method=method, json={"body": "不该写进去的作业"},
                               headers=headers)
        if response.status_code not in (401, 403, 404, 405):
            leaks.append((method, url, response.status_code))
    assert leaks == []
    assert Submission.select().count() == 0
