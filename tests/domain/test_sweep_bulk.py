"""The sweep's application in bulk: a fixed number of statements whatever the number of
learners it records misses for and removes, with the same outcome as one by one."""
import json
from datetime import timedelta

from learnclub.domain.participation.sweep import apply_sweep
from learnclub.domain.reach import chat_messages, notices
from learnclub.models import ChatHook, Membership, MembershipEvent, Miss, OutboxMessage
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

AFTER_GRACE = T0 + timedelta(hours=84)  #: the default due (72 h) and grace (12 h) are over


def _cohort(learners, *, locale="en"):
    """A cohort with one closed case nobody wrote for, `learners` learners, strike limit 1,
    a safety stop above them all and a robot that posts removals."""
    cohort = make_cohort(host=make_user(can_host=True, locale="zh"), strike_limit=1,
                         removal_stop_percent=100, removal_stop_count=1000)
    case = make_case(cohort, title="小区生鲜团购")
    ChatHook.create(cohort=cohort, kind="generic", label="学员群", url="http://127.0.0.1:9/h",
                    secret="k", events="removals", created_at=T0)
    users = [make_member(cohort, make_user(locale=locale)) for _ in range(learners)]
    return cohort, case, users


def _apply(cohort):
    with count_queries() as statements:
        plan = apply_sweep(cohort, now=AFTER_GRACE, base_url="http://x")
    return plan, statements


def test_statement_count_does_not_grow_with_learners(app):
    few_cohort, _case, _users = _cohort(3)
    many_cohort, _case, _users = _cohort(30)

    few_plan, few = _apply(few_cohort)
    many_plan, many = _apply(many_cohort)

    assert (len(few_plan.removals), len(many_plan.removals)) == (3, 30)
    assert len(many) == len(few)


def test_bulk_sweep_records_everything_once_per_learner(app):
    cohort, case, users = _cohort(4)

    _apply(cohort)

    ids = sorted(u.id for u in users)
    assert sorted(m.user_id for m in Miss.select().where(Miss.case == case)) == ids
    removed = Membership.select().where((Membership.cohort == cohort)
                                        & (Membership.status == "removed"))
    assert sorted((m.user_id, m.removed_kind, m.removed_case_ids, m.removed_reason)
                  for m in removed) == [(i, "strikes", [case.id], "strikes: 小区生鲜团购")
                                        for i in ids]
    events = MembershipEvent.select().where(MembershipEvent.action == "removed")
    assert sorted((e.user_id, e.actor_id, e.reason, e.case_ids) for e in events) == [
        (i, None, "strikes: 小区生鲜团购", [case.id]) for i in ids]
    mails = {m.user_id: m for m in OutboxMessage.select().where(
        OutboxMessage.key.startswith("removal:membership:"))}
    assert sorted(mails) == ids
    assert all("小区生鲜团购" in m.body and "小区生鲜团购" in m.html_body and m.kind == ""
               and m.to_addr == u.email and m.subject for u in users for m in [mails[u.id]])
    assert OutboxMessage.select().where(OutboxMessage.hook.is_null(False)).count() == 1


def test_applying_twice_changes_nothing_the_second_time(app):
    cohort, _case, _users = _cohort(3)
    _apply(cohort)
    counts = (Miss.select().count(), MembershipEvent.select().count(),
              OutboxMessage.select().count())

    plan, _statements = _apply(cohort)

    assert (plan.new_misses, plan.removals) == ([], [])
    assert (Miss.select().count(), MembershipEvent.select().count(),
            OutboxMessage.select().count()) == counts



def test_staff_mail_and_chat_post_name_the_first_few_and_count_the_rest(app, monkeypatch):
    monkeypatch.setattr(notices, "NAMED", 2)
    monkeypatch.setattr(chat_messages, "NAMED", 2)
    cohort, _case, users = _cohort(5)

    _apply(cohort)

    staff = OutboxMessage.get(OutboxMessage.key.contains(":removals:"))
    names = [u.display_name for u in users]
    assert staff.subject == f"{cohort.name}：5 位学员被请出"
    assert sum(name in staff.body for name in names) == 2
    assert (f"…还有 3 人，完整名单见参与管理页面：\nhttp://x/c/{cohort.slug}/participation#removed"
            in staff.body)
    assert f'href="http://x/c/{cohort.slug}/participation#removed"' in staff.html_body
    post = json.loads(OutboxMessage.get(OutboxMessage.hook.is_null(False)).body)
    assert (post["data"]["count"], len(post["data"]["removed"])) == (5, 2)
    assert "（5 人）： " in post["text"]
    assert " …还有 3 人\n" in post["text"]
    assert sum(name in post["text"] for name in names) == 2


def test_staff_mail_names_everyone_up_to_the_limit(app, monkeypatch):
    monkeypatch.setattr(notices, "NAMED", 3)
    cohort, _case, users = _cohort(3, locale="zh")

    _apply(cohort)

    staff = OutboxMessage.get(OutboxMessage.key.contains(":removals:"))
    assert all(u.display_name in staff.body for u in users)
    assert "participation#removed" not in staff.body
