"""A cohort's chat-group robots through the test client: adding (errors on the field, the
form keeping what was typed), the list that never shows an address or secret in full, editing
with the secret kept, removed or replaced, deleting, the test message delivered by the job to a
real receiver on loopback, the delivery log, and the public help page."""
import hashlib
import hmac
import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup, escape

from learnclub import clock, jobs
from learnclub.domain.reach import outbox
from learnclub.domain.reach.chat_hooks import add_hook
from learnclub.domain.reach.outbox import MAX_ATTEMPTS
from learnclub.models import ChatHook, OutboxMessage
from tests.chat_receiver import running_receiver
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.web.test_corpora import naughty_strings

FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
SECRET = "feishu-secret-Zx81"


def html_of(response):
    return response.get_data(as_text=True)


def field_error(response, field):
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html_of(response))
    return Markup(found.group(1)).unescape() if found else None


def input_value(response, field):
    found = re.search(rf'<input [^>]*id="{field}"[^>]*value="([^"]*)"', html_of(response))
    return Markup(found.group(1)).unescape() if found else None


def hook_form(**overrides):
    form = {"kind": "feishu", "label": "3期学员群", "url": FEISHU, "secret": SECRET,
            "events": ["case_published", "homework_due"]}
    form.update(overrides)
    return form


def hook_row(hook_id):
    hook = ChatHook.get_or_none(ChatHook.id == hook_id)
    return hook and (hook.kind, hook.label, hook.url, hook.secret, hook.events)


@pytest.fixture
def host(login_as):
    return login_as(make_user(can_host=True))


@pytest.fixture
def cohort(host):
    return make_cohort(host=host, language="en", timezone="Asia/Shanghai")


def test_host_adds_a_robot_and_the_list_never_shows_its_address_or_secret(client, cohort):
    response = client.post(f"/c/{cohort.slug}/integrations/new", data=hook_form())
    page = html_of(client.get(f"/c/{cohort.slug}/integrations"))

    hook = ChatHook.get()
    assert response.headers["Location"] == f"/c/{cohort.slug}/integrations#hook-{hook.id}"
    assert hook_row(hook.id) == ("feishu", "3期学员群", FEISHU, SECRET,
                                 "case_published,homework_due")
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page))
    assert facts == {
        "Platform": "Feishu custom bot (飞书自定义机器人)",
        "Webhook address": '<code class="masked">https://open.feishu.cn/…6789</code>',
        "Signing": "with a secret", "Posts": "New case, Homework due soon"}
    assert (page.count(FEISHU), page.count("0a1b2c3d"), page.count(SECRET)) == (0, 0, 0)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"url": "ftp://open.feishu.cn/hook"}, "url",
     "Enter the robot's webhook address: it starts with https:// or http://."),
    ({"url": "https://open.feishu.cn/a b"}, "url",
     "The webhook address must not contain spaces or control characters."),
    ({"url": ""}, "url", "Webhook address is required."),
    ({"label": "  "}, "label", "Group name is required."),
    ({"label": "群" * 101}, "label", "Group name is 101 characters long; the limit is 100."),
    ({"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
     "secret", "This kind of robot takes no signing secret: leave it empty."),
    ({"kind": "slack"}, "kind", "Choose the kind of chat robot from the list."),
    ({"events": ["case_published", "everything"]}, "events", "Choose the events from the list."),
])
def test_add_form_shows_the_error_on_its_field_and_keeps_what_was_typed(client, cohort,
                                                                        overrides, field,
                                                                        message):
    response = client.post(f"/c/{cohort.slug}/integrations/new", data=hook_form(**overrides))

    typed = hook_form(**overrides)
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert (input_value(response, "label"), input_value(response, "url"),
            input_value(response, "secret")) == (typed["label"], typed["url"], typed["secret"])
    assert ChatHook.select().count() == 0


def test_add_form_keeps_the_events_ticked(client, cohort):
    response = client.post(f"/c/{cohort.slug}/integrations/new",
                           data=hook_form(url="nope", events=["removals", "guest_week"]))

    assert re.findall(r'value="(\w+)" id="events-\w+"[^>]*checked>', html_of(response)) == [
        "removals", "guest_week"]


def test_new_robot_form_starts_with_every_event_ticked(client, cohort):
    page = html_of(client.get(f"/c/{cohort.slug}/integrations/new"))

    assert re.findall(r'value="(\w+)" id="events-\w+"[^>]*checked>', page) == [
        "case_published", "homework_due", "removals", "guest_week", "archive_entry",
        "announcement"]
    assert re.search(r'<input [^>]*id="secret"[^>]*>', page).group(0) == (
        '<input aria-describedby="secret-hint" id="secret" name="secret" type="password" '
        'value="">')


def _hook(cohort, host, **overrides):
    values = {"kind": "feishu", "label": "3期学员群", "url": FEISHU, "secret": SECRET,
              "events": ["case_published"]}
    values.update(overrides)
    return add_hook(cohort, actor=host, now=clock.now(), **values)


def test_edit_page_never_shows_the_stored_secret(client, cohort, host):
    hook = _hook(cohort, host)

    response = client.get(f"/c/{cohort.slug}/integrations/{hook.id}/edit")

    assert (input_value(response, "secret"), html_of(response).count(SECRET)) == ("", 0)
    assert re.search(r'id="remove_secret"', html_of(response)) is not None


@pytest.mark.parametrize(("secret", "remove", "stored"), [
    ("", False, SECRET), ("new-secret-42", False, "new-secret-42"), ("", True, ""),
    ("typed-but-removed", True, "")])
def test_edit_keeps_replaces_or_removes_the_secret(client, cohort, host, secret, remove,
                                                   stored):
    hook = _hook(cohort, host)
    form = hook_form(label="学员群（新）", secret=secret, events=["guest_week"])
    if remove:
        form["remove_secret"] = "y"

    response = client.post(f"/c/{cohort.slug}/integrations/{hook.id}/edit", data=form)

    assert response.status_code == 302
    assert hook_row(hook.id) == ("feishu", "学员群（新）", FEISHU, stored, "guest_week")


def test_edit_refused_changes_nothing(client, cohort, host):
    hook = _hook(cohort, host)
    before = hook_row(hook.id)

    response = client.post(f"/c/{cohort.slug}/integrations/{hook.id}/edit",
                           data=hook_form(label="新名字", url="javascript:alert(1)"))

    assert field_error(response, "url") == (
        "Enter the robot's webhook address: it starts with https:// or http://.")
    assert input_value(response, "label") == "新名字"
    assert hook_row(hook.id) == before


def test_delete_removes_the_robot_and_its_posts(client, cohort, host):
    hook = _hook(cohort, host)
    client.post(f"/c/{cohort.slug}/integrations/{hook.id}/test")

    response = client.post(f"/c/{cohort.slug}/integrations/{hook.id}/delete")

    assert response.status_code == 302
    assert (ChatHook.select().count(), OutboxMessage.select().count()) == (0, 0)


def test_another_cohorts_robot_is_not_found(client, cohort, host):
    other = make_cohort()
    hook = _hook(other, other.created_by)

    answers = [client.get(f"/c/{cohort.slug}/integrations/{hook.id}/edit").status_code,
               client.post(f"/c/{cohort.slug}/integrations/{hook.id}/edit",
                           data=hook_form(label="x")).status_code,
               client.post(f"/c/{cohort.slug}/integrations/{hook.id}/test").status_code,
               client.post(f"/c/{cohort.slug}/integrations/{hook.id}/delete").status_code]

    assert answers == [404, 404, 404, 404]
    assert (hook_row(hook.id)[1], OutboxMessage.select().count()) == ("3期学员群", 0)


def delivery_states(page):
    return re.findall(r'<span class="delivery-state (\w+)">[^<]+</span>\s*<strong>([^<]+)'
                      r"</strong> → ([^<]+)</p>", page)


def test_test_message_is_queued_then_sent_by_the_job_to_a_real_receiver(app, client, cohort,
                                                                        host):
    with running_receiver() as receiver:
        url, posts = receiver.url("/hooks/learnclub"), receiver.requests
        hook = _hook(cohort, host, kind="generic", url=url, secret="generic-key", label="自建",
                     allow_private=True)  # the receiver is on loopback

        pressed = client.post(f"/c/{cohort.slug}/integrations/{hook.id}/test",
                              follow_redirects=True)
        before = delivery_states(html_of(pressed))
        sent, failed = jobs.send_posts(dict(app.config, CHAT_ALLOW_PRIVATE=True),
                                       now=clock.now())
        after = delivery_states(html_of(client.get(f"/c/{cohort.slug}/integrations")))

    assert re.search(r'<p class="flash success" role="status">([^<]+)</p>',
                     html_of(pressed)).group(1) == (
        "Test message for “自建” queued: it arrives in the group within a minute. "
        "The log below shows when it was sent.")
    assert before == [("pending", "Test message", "自建")]
    assert (sent, failed) == (1, 0)
    assert after == [("sent", "Test message", "自建")]
    assert [json.loads(p.body)["event"] for p in posts] == ["test"]
    # the check the help page shows a receiver: HMAC-SHA256 of "<timestamp>.<raw body>"
    stamp = posts[0].headers["X-Learnclub-Timestamp"]
    assert posts[0].headers["X-Learnclub-Signature"] == "sha256=" + hmac.new(
        b"generic-key", stamp.encode() + b"." + posts[0].body, hashlib.sha256).hexdigest()


def _shanghai(instant):
    """As the delivery log writes a time in English: "Wed 9 Dec, 10:00"."""
    local = instant.astimezone(ZoneInfo("Asia/Shanghai"))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def log_lines(page):
    """(state, the entry's words) for each entry of the delivery log."""
    items = re.findall(r'<li class="delivery state-(\w+)">(.*?)</li>', page, re.S)
    return [(state, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body)).strip())
            for state, body in items]


def test_delivery_log_says_when_a_post_is_retried_and_when_learnclub_gave_up(client, cohort,
                                                                              host):
    hook = _hook(cohort, host, label="飞书群")
    now = clock.now()
    for key in ("a", "b"):
        outbox.enqueue_post(f"t:{key}", hook=hook, event="homework_due", subject="s", body="{}",
                            now=now)
    retrying, gave_up = OutboxMessage.select().order_by(OutboxMessage.id)
    outbox.mark_failed(retrying, "HTTP 400, code 19024: Key Words Not Found", now=now)
    OutboxMessage.update(attempts=1).where(OutboxMessage.id == retrying.id).execute()
    OutboxMessage.update(attempts=MAX_ATTEMPTS, last_error="could not connect (ConnectError)"
                         ).where(OutboxMessage.id == gave_up.id).execute()

    lines = log_lines(html_of(client.get(f"/c/{cohort.slug}/integrations")))

    created = _shanghai(now)
    assert lines == [
        ("failed", f"Gave up Homework due soon → 飞书群 {created} · {MAX_ATTEMPTS} attempts "
                   "Last error: could not connect (ConnectError)"),
        ("retrying", f"Failed, will try again Homework due soon → 飞书群 {created} · 1 attempt "
                     f"· next try {_shanghai(now + timedelta(minutes=1))} "
                     "Last error: HTTP 400, code 19024: Key Words Not Found"),
    ]


def _page_queries(client, host, *, hooks, deliveries):
    cohort = make_cohort(host=host)
    made = [_hook(cohort, host, label=f"群{i}") for i in range(hooks)]
    for i in range(deliveries):
        outbox.enqueue_post(f"q:{cohort.id}:{i}", hook=made[i % hooks], event="case_published",
                            subject="s", body="{}", now=clock.now())
    with count_queries() as statements:
        response = client.get(f"/c/{cohort.slug}/integrations")
    assert response.status_code == 200
    return len(statements)


def test_integrations_page_queries_do_not_grow_with_robots_or_posts(client, host):
    client.get("/")  # the first page after signing in may refresh the session

    assert _page_queries(client, host, hooks=1, deliveries=1) == _page_queries(
        client, host, hooks=6, deliveries=30)


def _label_refused(text):
    return not text.strip() or len(text) > 100 or "\x00" in text


def test_robot_labels_take_every_naughty_string_or_say_why(client, cohort):
    failures, kept = [], []
    for text in naughty_strings():
        before = ChatHook.select().count()
        response = client.post(f"/c/{cohort.slug}/integrations/new", data=hook_form(label=text))
        if _label_refused(text):
            if (response.status_code, ChatHook.select().count()) != (200, before) or not \
                    field_error(response, "label"):
                failures.append(("refusal", text, response.status_code))
            continue
        newest = ChatHook.select().order_by(ChatHook.id.desc()).first()
        if response.status_code != 302 or newest is None or newest.label != text:
            failures.append(("stored", text, response.status_code))
            continue
        kept.append(text)
    page = html_of(client.get(f"/c/{cohort.slug}/integrations"))
    failures += [("shown", text) for text in kept
                 if f'-label">{escape(text)}</h2>' not in page]

    assert failures == []
    assert len(kept) > 400


def test_help_page_is_public_and_shows_this_sites_address(client):
    english = html_of(client.get("/help/integrations"))
    chinese = html_of(client.get("/help/integrations", headers={"Accept-Language": "zh-CN"}))

    assert re.findall(r'<pre tabindex="0"><code>(curl [^<]*/me)</code></pre>', english) == [
        'curl -H "Authorization: Bearer &lt;token&gt;" \\\n  http://localhost/api/v1/me']
    assert re.findall(r'<pre tabindex="0"><code>(curl [^<]*/me)</code></pre>', chinese) == [
        'curl -H "Authorization: Bearer &lt;令牌&gt;" \\\n  http://localhost/api/v1/me']
    for page in (english, chinese):
        assert re.findall(r'<a href="([^"]+)"><code>[^<]*openapi.json</code></a>', page) == [
            "http://localhost/api/v1/openapi.json"]
        assert re.findall(r"<dt>[^<]+<code>(\w+)</code></dt>", page) == [
            "case_published", "homework_due", "removals", "guest_week", "archive_entry",
            "announcement", "member_introduced"]
        assert "X-Learnclub-Signature" in page
    assert re.search(r'<a href="([^"]+)">API tokens</a>', english).group(1) == "/me/tokens"


def test_staff_navigation_links_to_the_robots_and_learners_do_not_see_it(app, client, cohort):
    learner = make_member(cohort)
    staff_nav = html_of(client.get(f"/c/{cohort.slug}/settings"))
    learner_client = app.test_client()
    learner_client.post("/login", data={"email": learner.email, "password": PASSWORD})
    learner_nav = html_of(learner_client.get(f"/c/{cohort.slug}/cases/"))

    link = f'href="/c/{cohort.slug}/integrations"'
    assert (staff_nav.count(link), learner_nav.count(link)) == (2, 0)
