"""Migration 0019 (sessions and secrets): calendar tokens hashed in place, so the feed links
people subscribed to before keep working; sessions learn when they were last used."""
import hashlib
from datetime import UTC, datetime

from learnclub import schema
from learnclub.domain.sharing.calendar import feed_readable
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
THIS = "0019_sessions_and_secrets"
CLEAR = "a-secret-from-before-0019_0123456789abcdefgh"


def test_0019_hashes_existing_calendar_tokens_and_old_links_keep_working(empty_database):  # noqa: F811
    from learnclub.models import CalendarToken, LoginSession
    from tests.factories import make_cohort, make_member, make_user
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort(is_public=False)
        member = make_member(cohort)
        other = make_user()  # made at head: later migrations add columns to its table
        schema.runner().down(target=THIS)  # back to before 0019
        database.execute_sql(  # a link and a session as they were stored before 0019
            f"INSERT INTO calendar_token (cohort_id, user_id, token, created_at) "
            f"VALUES ({database.param}, {database.param}, {database.param}, {database.param})",
            (cohort.id, member.id, CLEAR, T0.replace(tzinfo=None)))
        database.execute_sql(
            f"INSERT INTO login_session (key_hash, user_id, created_at, user_agent) "
            f"VALUES ({database.param}, {database.param}, {database.param}, '')",
            ("k" * 64, other.id, T0.replace(tzinfo=None)))
        schema.runner().up(target=THIS)
        schema.upgrade()  # the models below are the head's; later migrations leave tokens be
        stored = CalendarToken.get().token
        readable = (feed_readable(cohort, CLEAR), feed_readable(cohort, stored))
        session = LoginSession.get()

    assert stored == hashlib.sha256(CLEAR.encode()).hexdigest()
    assert readable == (True, False)
    assert (session.remember, session.last_seen_at) == (True, None)
