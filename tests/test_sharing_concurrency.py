"""One guest per week and one number per session, when hosts act at the same moment: each
thread has its own connection and all are released at once by a barrier (SQLite and
PostgreSQL)."""
from datetime import UTC, datetime, timedelta

from learnclub.domain.errors import Conflict
from learnclub.domain.sharing.archive import archive, mark_held, publish_transcript
from learnclub.domain.sharing.talks import accept_talk, generate_slots, propose_talk
from learnclub.models import ArchiveCounter, ShareSlot, Talk
from tests.factories import make_cohort, make_user
from tests.test_concurrency import run_together

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _propose(cohort, slot, n):
    return propose_talk(cohort, make_user(display_name=f"嘉宾{n}"), topic=f"第{n}个提案",
                        abstract="社区团购的三个阶段", preferred_slots=[slot], now=NOW)


def test_accept_talk_20_at_once_for_one_week_exactly_one_wins(app):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host)
    week = generate_slots(cohort, now=NOW)[0]
    talks = [_propose(cohort, week, n) for n in range(20)]

    results = run_together(*[(lambda t=t: accept_talk(t, week, actor=host, now=NOW))
                             for t in talks])

    won = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    assert len(won) == 1
    assert [(type(e), e.message) for e in errors] == [
        (Conflict, "This week was just taken: another guest has it.")] * 19
    assert [(t.id, t.status) for t in Talk.select().where(Talk.slot == week)] == [
        (won[0].id, "accepted")]
    assert Talk.select().where(Talk.status == "submitted").count() == 19
    assert ShareSlot.get_by_id(week.id).sequence == 1


def test_publish_transcript_10_at_once_numbers_1_to_10_once_each(app):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, sharing_weeks_ahead=10)
    weeks = generate_slots(cohort, now=NOW)
    after = weeks[-1].starts_at + timedelta(hours=2)
    talks = [mark_held(accept_talk(_propose(cohort, week, n), week, actor=host, now=NOW),
                       now=after) for n, week in enumerate(weeks)]

    results = run_together(*[
        (lambda t=t: publish_transcript(t, f"# {t.topic}\n全文", actor=host, now=after))
        for t in talks])

    assert [kind for kind, _ in results] == ["ok"] * 10
    assert sorted(value.number for _, value in results) == list(range(1, 11))
    assert sorted(t.number for t in Talk.select()) == list(range(1, 11))
    assert [e.number for e in archive(cohort)] == list(range(10, 0, -1))
    assert ArchiveCounter.get(ArchiveCounter.cohort == cohort).last_number == 10
