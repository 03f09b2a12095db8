"""A cohort's chat-group robots: staff add, change and remove them; bad input is refused with
the field at fault and changes nothing; a test post is queued, never sent from the request."""
import json
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.domain.reach import chat_hooks, queries
from learnclub.domain.reach.outbox import MAX_ATTEMPTS, enqueue_post
from learnclub.models import ChatHook, OutboxMessage
from tests import corpora
from tests.factories import make_cohort, make_member, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/2f6c-4b1e"


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True), slug="lab")


def add(cohort, **fields):
    values = {"actor": cohort.created_by, "kind": "wecom", "label": "一期学员群", "url": WECOM,
              "secret": "", "events": ["case_published"], "now": NOW}
    values.update(fields)
    return chat_hooks.add_hook(cohort, **values)


def stored(hook):
    row = ChatHook.get_by_id(hook.id)
    return (row.kind, row.label, row.url, row.secret, row.events)


def test_add_hook_stores_it_with_events_in_list_order(cohort):
    hook = add(cohort, kind="feishu", url=f"  {FEISHU}\n", secret=" s3cret ",
               events=["guest_week", "case_published", "guest_week"])

    assert stored(hook) == ("feishu", "一期学员群", FEISHU, "s3cret", "case_published,guest_week")
    assert (hook.created_by.id, queries.hooks_of(cohort)) == (cohort.created_by.id, [hook])


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "slack"}, "kind"),
    ({"kind": None}, "kind"),
    ({"label": ""}, "label"),
    ({"label": "   "}, "label"),
    ({"label": "群" * 101}, "label"),
    ({"label": "a\x00b"}, "label"),
    ({"url": ""}, "url"),
    ({"url": "ftp://example.org/hook"}, "url"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "https://"}, "url"),
    ({"url": "example.org/hook"}, "url"),
    ({"url": "https://exa mple.org/hook"}, "url"),
    ({"url": "https://example.org/ho\u200bok"}, "url"),
    ({"url": "https://example.org/\x07"}, "url"),
    ({"url": "http://[::1/hook"}, "url"),
    ({"url": "https://example.org:99999/hook"}, "url"),
    ({"url": "https://example.org/" + "a" * 2000}, "url"),
    ({"secret": "s3cret"}, "secret"),  # a WeCom robot takes none
    ({"kind": "dingtalk", "secret": "x" * 201}, "secret"),
    ({"kind": "generic", "secret": "two words"}, "secret"),
    ({"events": ["case_published", "everything"]}, "events"),
    ({"events": [None]}, "events"),
])
def test_add_hook_bad_input_names_the_field_and_changes_nothing(cohort, fields, field):
    with pytest.raises(DomainError) as error:
        add(cohort, **fields)

    assert error.value.field == field
    assert ChatHook.select().count() == 0


def test_add_hook_by_a_learner_is_not_allowed(cohort):
    learner = make_member(cohort)

    with pytest.raises(NotAllowed):
        add(cohort, actor=learner)

    assert ChatHook.select().count() == 0


def test_add_hook_labels_from_blns_are_stored_exactly(cohort):
    labels = [s for s in corpora.naughty_strings()
              if s.strip() and len(s) <= chat_hooks.LABEL_MAX]

    hooks = [add(cohort, label=label) for label in labels]

    assert [ChatHook.get_by_id(h.id).label for h in hooks] == labels


def test_update_hook_secret_none_keeps_empty_clears(cohort):
    hook = add(cohort, kind="dingtalk", secret="SECabc")
    fields = {"actor": cohort.created_by, "kind": "dingtalk", "label": "二群", "url": WECOM,
              "events": [], "now": NOW}

    chat_hooks.update_hook(hook, secret=None, **fields)
    kept = stored(hook)
    chat_hooks.update_hook(hook, secret="", **fields)

    assert kept == ("dingtalk", "二群", WECOM, "SECabc", "")
    assert stored(hook) == ("dingtalk", "二群", WECOM, "", "")


def test_update_hook_to_a_kind_without_secret_drops_it(cohort):
    hook = add(cohort, kind="feishu", secret="s3cret")

    chat_hooks.update_hook(hook, actor=cohort.created_by, kind="wecom", label="一期学员群",
                           url=WECOM, secret=None, events=["case_published"], now=NOW)

    assert stored(hook) == ("wecom", "一期学员群", WECOM, "", "case_published")


def test_update_hook_bad_input_changes_nothing(cohort):
    hook = add(cohort)

    with pytest.raises(DomainError) as error:
        chat_hooks.update_hook(hook, actor=cohort.created_by, kind="wecom", label="新名字",
                               url="not a url", secret=None, events=[], now=NOW)

    assert error.value.field == "url"
    assert stored(hook) == ("wecom", "一期学员群", WECOM, "", "case_published")


def queue(hook, key, event="case_published", sent=False):
    enqueue_post(key, hook=hook, event=event, subject="s", body="{}", now=NOW)
    if sent:
        OutboxMessage.update(sent_at=NOW).where(OutboxMessage.key == key).execute()


def keys():
    return sorted(m.key for m in OutboxMessage.select())


def test_update_hook_new_kind_drops_unsent_posts_in_the_old_format(cohort):
    hook = add(cohort)
    queue(hook, "a:unsent")
    queue(hook, "a:sent", sent=True)

    chat_hooks.update_hook(hook, actor=cohort.created_by, kind="dingtalk", label="群", url=WECOM,
                           secret=None, events=["case_published"], now=NOW)

    assert keys() == ["a:sent"]


def test_update_hook_unpicked_event_drops_its_unsent_posts(cohort):
    hook = add(cohort, events=["case_published", "removals"])
    queue(hook, "case:unsent")
    queue(hook, "removals:unsent", event="removals")
    queue(hook, "test:unsent", event="test")

    chat_hooks.update_hook(hook, actor=cohort.created_by, kind="wecom", label="群", url=WECOM,
                           secret=None, events=["case_published"], now=NOW)

    assert keys() == ["case:unsent", "test:unsent"]


def test_delete_hook_takes_its_posts_along(cohort):
    hook, other = add(cohort), add(cohort, label="二群")
    queue(hook, "mine:1")
    queue(hook, "mine:2", sent=True)
    queue(other, "other:1")

    chat_hooks.delete_hook(hook, actor=cohort.created_by, now=NOW)

    assert (keys(), queries.hooks_of(cohort)) == (["other:1"], [other])


def test_delete_hook_by_a_learner_is_not_allowed(cohort):
    hook = add(cohort)

    with pytest.raises(NotAllowed):
        chat_hooks.delete_hook(hook, actor=make_member(cohort), now=NOW)

    assert queries.hooks_of(cohort) == [hook]


def test_deliveries_of_newest_first_with_states_for_this_cohort_only(cohort):
    hook = add(cohort)
    elsewhere = add(make_cohort(slug="elsewhere"))
    for key in ("p:pending", "p:retrying", "p:failed", "p:sent"):
        queue(hook, key)
    queue(elsewhere, "other:1")
    OutboxMessage.update(attempts=2).where(OutboxMessage.key == "p:retrying").execute()
    OutboxMessage.update(attempts=MAX_ATTEMPTS).where(OutboxMessage.key == "p:failed").execute()
    OutboxMessage.update(attempts=1, sent_at=NOW).where(OutboxMessage.key == "p:sent").execute()

    shown = queries.deliveries_of(cohort)

    assert [(m.key, queries.delivery_state(m), m.hook.label) for m in shown] == [
        ("p:sent", "sent", "一期学员群"), ("p:failed", "failed", "一期学员群"),
        ("p:retrying", "retrying", "一期学员群"), ("p:pending", "pending", "一期学员群")]
    assert [m.key for m in queries.deliveries_of(cohort, limit=2)] == ["p:sent", "p:failed"]


def test_hook_of_finds_this_cohorts_robot_only(cohort):
    hook = add(cohort)
    elsewhere = add(make_cohort(slug="elsewhere"))

    found = [queries.hook_of(cohort, hook.id), queries.hook_of(cohort, elsewhere.id),
             queries.hook_of(cohort, elsewhere.id + 1)]

    assert found == [hook, None, None]


def test_send_test_post_queues_a_new_post_per_press_in_the_cohort_language(cohort):
    hook = add(cohort, kind="generic")

    first = chat_hooks.send_test_post(hook, actor=cohort.created_by, now=NOW,
                                      base_url="https://learn.example.org")
    second = chat_hooks.send_test_post(hook, actor=cohort.created_by,
                                       now=NOW + timedelta(seconds=1),
                                       base_url="https://learn.example.org")

    body = json.loads(first.body)
    assert first.key != second.key
    assert [first.key.startswith(f"post:hook:{hook.id}:test:"), first.kind, first.hook.id,
            first.sent_at, first.next_attempt_at] == [True, "test", hook.id, None, NOW]
    assert (body["event"], body["url"], body["cohort"]) == (
        "test", "https://learn.example.org/c/lab/", {"slug": "lab", "name": "社群实验室"})


def test_send_test_post_by_a_learner_is_not_allowed(cohort):
    hook = add(cohort)

    with pytest.raises(NotAllowed):
        chat_hooks.send_test_post(hook, actor=make_member(cohort), now=NOW, base_url="http://x")

    assert OutboxMessage.select().count() == 0
