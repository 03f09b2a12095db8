"""The schema over time: migrations build exactly the models' schema, keep data, and undo."""
import json
import uuid
from datetime import UTC, datetime

import pytest
from playhouse.schema_diff import diff_models

from learnclub import config, create_app, schema
from learnclub.db import bind, db
from learnclub.models import ALL, Application, Cohort, Membership, User
from tests.conftest import BACKENDS, POSTGRES_URL

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
FIRST = "0001_initial"

#: Search lives outside the models, so drift checks ignore it by name. 0007_search.py: on
#: SQLite three FTS5 trigram tables (plus the shadow tables FTS5 makes for each, named
#: <table>_data, _idx, _content, _docsize, _config) and their triggers; on PostgreSQL the
#: pg_trgm GIN indexes on the searched columns. 0017_search_grams.py replaces them: on SQLite
#: three FTS5 gram tables and `search_dirty`, on PostgreSQL a GIN index per searched table.
SEARCH_TABLES = ("talk_search", "case_search", "submission_search",
                 "talk_grams", "case_grams", "submission_grams", "search_dirty")
SEARCH_INDEXES = {"talk_topic_trgm", "talk_transcript_md_trgm", "case_study_title_trgm",
                  "case_study_body_md_trgm", "submission_body_md_trgm",
                  "talk_grams", "case_study_grams", "submission_grams"}


def _is_search_table(name):
    return any(name == t or name.startswith(f"{t}_") for t in SEARCH_TABLES)


def _tables(database):
    return sorted(t for t in database.get_tables() if not _is_search_table(t))


def _diff(database):
    """diff_models, without the search indexes the models do not declare."""
    diff = diff_models(database, ALL)
    return diff._replace(drop_indexes=[i for i in diff.drop_indexes
                                       if i.name not in SEARCH_INDEXES])


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    """A maker of empty databases on one backend, bound to `db`; closed (and dropped) after."""
    made = []
    admin = None
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL not configured: set LEARNCLUB_TEST_POSTGRES_URL")
        import psycopg
        admin = psycopg.connect(POSTGRES_URL, autocommit=True)

    def make():
        if admin is None:
            url = f"sqlite:///{tmp_path / f'empty{len(made)}.db'}"
            name = None
        else:
            name = f"learnclub_scratch_{uuid.uuid4().hex[:10]}"
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
        database = bind(url)
        made.append((database, name))
        return database

    yield make
    for database, name in made:
        if not database.is_closed():
            database.close()
        if name is not None:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if admin is not None:
        admin.close()


def _model_tables():
    return sorted(m._meta.table_name for m in ALL)


def _shape(database):
    """Per model table: columns (name, type, nullable), indexes (columns, unique), foreign keys."""
    return {table: {
        "columns": sorted((c.name, c.data_type, c.null) for c in database.get_columns(table)),
        "indexes": sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table)
                          if i.name not in SEARCH_INDEXES),
        "foreign_keys": sorted((fk.column, fk.dest_table, fk.dest_column)
                               for fk in database.get_foreign_keys(table)),
    } for table in _model_tables()}


def _migration_names():
    return [m.name for m in schema.runner().migrations()]


def test_upgrade_empty_database_has_no_drift_from_models(empty_database):
    database = empty_database()

    with database.connection_context():
        schema.upgrade()
        diff = _diff(database)

    assert str(diff) == ""
    assert bool(diff) is False


def test_upgrade_empty_database_equals_create_tables(empty_database):
    migrated = empty_database()
    with migrated.connection_context():
        schema.upgrade()
        migrated_tables = _tables(migrated)
        migrated_shape = _shape(migrated)
    created = empty_database()  # binds `db` to it, so create_tables builds the models here

    with created.connection_context():
        created.create_tables(ALL)
        created_tables = created.get_tables()
        created_shape = _shape(created)

    assert sorted(migrated_tables) == sorted([*created_tables, "schema_migration"])
    for table in _model_tables():
        assert migrated_shape[table] == created_shape[table], table


def test_db_status_migrated_lists_applied(runner):
    result = runner.invoke(args=["db", "status"])

    rows = [(line.split()[0], line.split()[-1]) for line in result.output.splitlines()]
    assert rows == [("applied", name) for name in _migration_names()]
    assert result.exit_code == 0


@pytest.fixture
def empty_sqlite_runner(tmp_path):
    app = create_app(config.TestConfig(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path))
    yield app.test_cli_runner()
    if not db.is_closed():
        db.close()


def test_db_status_empty_database_lists_pending(empty_sqlite_runner):
    result = empty_sqlite_runner.invoke(args=["db", "status"])

    rows = [(line.split()[0], line.split()[-1]) for line in result.output.splitlines()]
    assert rows == [("pending", name) for name in _migration_names()]
    assert result.exit_code == 1


def test_db_upgrade_twice_is_idempotent(empty_sqlite_runner):
    first = empty_sqlite_runner.invoke(args=["db", "upgrade"])

    second = empty_sqlite_runner.invoke(args=["db", "upgrade"])

    assert (first.exit_code, first.output) == (0, f"Applied: {', '.join(_migration_names())}\n")
    assert (second.exit_code, second.output) == (0, "Database is up to date.\n")
    status = empty_sqlite_runner.invoke(args=["db", "status"])
    assert status.exit_code == 0


def _insert_initial_rows(database):
    """Rows written with plain SQL in the 0001 schema, so later model changes cannot help."""
    p = database.param
    database.execute_sql(
        'INSERT INTO "user" (email, password_hash, display_name, is_admin, can_host, city, '
        "industry, company_title, offer, looking_for, intro_md, created_at) "
        f"VALUES ({', '.join([p] * 12)})",
        ("host@example.org", "argon2-hash", "群主小林", True, True, "杭州", "零售", "店长",
         "社区团购经验", "同行", "你好", T0.replace(tzinfo=None)))
    database.execute_sql(
        'INSERT INTO "user" (email, password_hash, display_name, is_admin, can_host, city, '
        "industry, company_title, offer, looking_for, intro_md, created_at) "
        f"VALUES ({', '.join([p] * 12)})",
        ("learner@example.org", "argon2-hash", "学员小王", False, False, "", "", "", "", "",
         "", T0.replace(tzinfo=None)))
    # only the id column: the models may already have columns later migrations add
    host_id = User.select(User.id).where(User.email == "host@example.org").scalar()
    learner_id = User.select(User.id).where(User.email == "learner@example.org").scalar()
    database.execute_sql(
        "INSERT INTO cohort (slug, name, description_md, timezone, capacity, admission, "
        "waitlist_enabled, cadence_min_days, cadence_target_days, cadence_max_days, "
        "homework_due_hours, homework_grace_hours, strike_limit, excused_per_learner, "
        "reminder_hours, sharing_weekday, sharing_time, sharing_minutes, sharing_weeks_ahead, "
        "is_public, peer_visibility, created_by_id, created_at) "
        f"VALUES ({', '.join([p] * 23)})",
        ("lab-2026", "社群实验室", "每 4 天一个案例。", "Asia/Shanghai", 40, "application", True,
         3, 4, 5, 72, 12, 1, 2, "24,2", 6, "20:00", 60, 8, True, "after_submission", host_id,
         T0.replace(tzinfo=None)))
    cohort_id = Cohort.select(Cohort.id).where(Cohort.slug == "lab-2026").scalar()
    database.execute_sql(
        "INSERT INTO membership (cohort_id, user_id, role, status, joined_at) "
        f"VALUES ({p}, {p}, {p}, {p}, {p})",
        (cohort_id, learner_id, "learner", "active", T0.replace(tzinfo=None)))
    database.execute_sql(
        "INSERT INTO application (cohort_id, user_id, motivation, background, status, "
        f"decision_message, decided_by_id, decided_at, created_at) VALUES ({', '.join([p] * 9)})",
        (cohort_id, learner_id, "想系统学习社群运营", "", "admitted", "欢迎!", host_id,
         T0.replace(tzinfo=None), T0.replace(tzinfo=None)))


def _rows():
    users = [(u.email, u.display_name, u.can_host, u.city, u.created_at)
             for u in User.select().order_by(User.email)]
    cohorts = [(c.slug, c.name, c.capacity, c.created_by.email, c.created_at)
               for c in Cohort.select()]
    members = [(m.cohort.slug, m.user.email, m.role, m.status, m.joined_at, m.removed_at)
               for m in Membership.select()]
    applications = [(a.user.email, a.status, a.decision_message, a.decided_by.email)
                    for a in Application.select()]
    return users, cohorts, members, applications


def test_upgrade_database_holding_data_keeps_rows(empty_database):
    database = empty_database()
    with database.connection_context():
        schema.runner().up(target=FIRST)
        _insert_initial_rows(database)

        later = schema.upgrade()  # every migration after 0001, if any
        again = schema.upgrade()
        rows = _rows()

    assert later == _migration_names()[1:]
    assert again == []
    assert rows == (
        [("host@example.org", "群主小林", True, "杭州", T0),
         ("learner@example.org", "学员小王", False, "", T0)],
        [("lab-2026", "社群实验室", 40, "host@example.org", T0)],
        [("lab-2026", "learner@example.org", "learner", "active", T0, None)],
        [("learner@example.org", "admitted", "欢迎!", "host@example.org")],
    )


def test_down_initial_drops_every_table(empty_database):
    database = empty_database()
    with database.connection_context():
        schema.upgrade()

        reverted = schema.runner().down(target=FIRST)
        tables = database.get_tables()  # search tables included: down() drops them

    assert reverted == list(reversed(_migration_names()))
    assert tables == ["schema_migration"]


def test_upgrade_after_down_rebuilds_schema(empty_database):
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        schema.runner().down(target=FIRST)

        applied = schema.upgrade()
        diff = _diff(database)
        pending = schema.pending()

    assert applied == _migration_names()
    assert str(diff) == ""
    assert pending == []


def test_upgrade_to_0009_marks_mail_already_sent_as_sent(empty_database):
    database = empty_database()
    with database.connection_context():
        schema.runner().up(target="0008_guest_profiles")
        p = database.param
        for key, sent_at in (("old:sent", T0.replace(tzinfo=None)), ("old:pending", None)):
            database.execute_sql(
                "INSERT INTO outbox_message (key, to_addr, subject, body, created_at, attempts, "
                f"last_error, next_attempt_at, sent_at) VALUES ({', '.join([p] * 9)})",
                (key, "a@example.org", "s", "b", T0.replace(tzinfo=None), 1, "",
                 T0.replace(tzinfo=None), sent_at))

        schema.upgrade()
        rows = sorted(database.execute_sql(
            "SELECT key, outcome, kind, hook_id FROM outbox_message").fetchall())

    assert rows == [("old:pending", "", "", None), ("old:sent", "sent", "", None)]


def test_upgrade_to_0012_keeps_mails_without_html_and_down_drops_it(empty_database):
    from learnclub.models import OutboxMessage
    from learnclub.outbound.mail import build_message

    database = empty_database()
    names = _migration_names()
    with database.connection_context():
        schema.runner().up(target=names[names.index("0012_mail_html") - 1])
        p = database.param
        database.execute_sql(
            "INSERT INTO outbox_message (key, to_addr, subject, body, created_at, attempts, "
            f"last_error, next_attempt_at, kind, outcome) VALUES ({', '.join([p] * 10)})",
            ("old:pending", "a@example.org", "主题", "正文", T0.replace(tzinfo=None), 0, "",
             T0.replace(tzinfo=None), "", ""))

        schema.upgrade()
        upgraded = database.execute_sql("SELECT key, body, html_body FROM outbox_message"
                                        ).fetchall()
        sent_as = build_message(OutboxMessage.get(), "learnclub <noreply@example.org>")
        schema.runner().down(target="0012_mail_html")
        columns = {c.name for c in database.get_columns("outbox_message")}
        kept = database.execute_sql("SELECT key, body FROM outbox_message").fetchall()

    assert upgraded == [("old:pending", "正文", None)]
    assert (sent_as.get_content_type(), sent_as.get_content()) == ("text/plain", "正文\n")
    assert ("html_body" in columns, kept) == (False, [("old:pending", "正文")])


def test_upgrade_to_0011_adds_the_cohort_log_and_down_drops_it_keeping_the_rest(empty_database):
    database = empty_database()
    names = _migration_names()
    with database.connection_context():
        schema.runner().up(target=FIRST)
        _insert_initial_rows(database)
        schema.runner().up(target=names[names.index("0011_cohort_events") - 1])
        p = database.param
        cohort_id, host_id = database.execute_sql(
            "SELECT id, created_by_id FROM cohort WHERE slug = 'lab-2026'").fetchone()

        schema.runner().up(target="0011_cohort_events")
        database.execute_sql(
            "INSERT INTO cohort_event (cohort_id, actor_id, at, action, user_id, subject_kind, "
            f"subject_id, subject_label, changes) VALUES ({', '.join([p] * 9)})",
            (cohort_id, host_id, T0.replace(tzinfo=None), "removals_paused", None, "", None, "",
             '{"paused": true}'))
        logged = database.execute_sql(
            "SELECT action, actor_id, changes FROM cohort_event").fetchall()
        indexes = sorted(tuple(i.columns) for i in database.get_indexes("cohort_event")
                         if i.columns != ["id"])  # PostgreSQL lists the primary key
        schema.runner().down(target="0011_cohort_events")
        tables = database.get_tables()
        kept = database.execute_sql("SELECT COUNT(*) FROM membership_event").fetchone()[0] + \
            database.execute_sql("SELECT COUNT(*) FROM membership").fetchone()[0]

    assert logged == [("removals_paused", host_id, '{"paused": true}')]
    assert indexes == [("actor_id",), ("cohort_id",), ("cohort_id", "at"), ("user_id",)]
    assert ("cohort_event" in tables, "membership_event" in tables, kept) == (False, True, 1)


def _insert_case(database, cohort_id, title):
    """A case_study row in the 0009 schema; returns its id."""
    at = T0.replace(tzinfo=None)
    database.execute_sql(
        "INSERT INTO case_study (cohort_id, source_hash, title, body_md, homework_prompt, tags, "
        "publish_fixed, queue_position, created_at, updated_at, removals_paused) "
        f"VALUES ({', '.join([database.param] * 11)})",
        (cohort_id, "", title, "", "", "", True, 0, at, at, False))
    return database.execute_sql("SELECT MAX(id) FROM case_study").fetchone()[0]


def test_upgrade_to_0010_gives_strikes_removals_their_kind_and_cases(empty_database):
    database = empty_database()
    words = "strikes: 开店, 选品, 案例一, 已删除的案例"
    with database.connection_context():
        schema.runner().up(target=FIRST)
        _insert_initial_rows(database)
        schema.runner().up(target="0009_reach")
        p, at = database.param, T0.replace(tzinfo=None)
        cohort_id, host_id = database.execute_sql(
            "SELECT id, created_by_id FROM cohort").fetchone()
        learner_id = database.execute_sql("SELECT user_id FROM membership").fetchone()[0]
        _first, shop, again = (_insert_case(database, cohort_id, title)
                               for title in ("案例一", "开店, 选品", "案例一"))
        database.execute_sql(  # of the two 案例一, the learner missed the second
            "INSERT INTO miss (cohort_id, user_id, case_id, created_at, void_reason) "
            f"VALUES ({', '.join([p] * 5)})", (cohort_id, learner_id, again, at, ""))
        database.execute_sql("UPDATE membership SET status = 'removed', "
                             f"removed_at = {p}, removed_reason = {p}", (at, words))
        for action, reason, actor in (("removed", words, None), ("removed", "strikes", None),
                                      ("readmitted", "strikes: 这是群主写的", host_id)):
            database.execute_sql(
                "INSERT INTO membership_event (cohort_id, user_id, action, reason, actor_id, at) "
                f"VALUES ({', '.join([p] * 6)})",
                (cohort_id, learner_id, action, reason, actor, at))

        schema.runner().up(target="0010_removal_reasons")
        member = database.execute_sql(
            "SELECT removed_kind, removed_case_ids, removed_reason FROM membership").fetchall()
        events = database.execute_sql("SELECT action, reason_kind, case_ids, reason "
                                      "FROM membership_event ORDER BY id").fetchall()
        schema.runner().down(target="0010_removal_reasons")
        columns = {c.name for c in database.get_columns("membership")}
        kept = database.execute_sql("SELECT removed_reason FROM membership").fetchall()

    assert [(kind, json.loads(ids), reason) for kind, ids, reason in member] == [
        ("strikes", [shop, again], words)]
    assert [(action, kind, json.loads(ids), reason) for action, kind, ids, reason in events] == [
        ("removed", "strikes", [shop, again], words),
        ("removed", "strikes", [], "strikes"),
        ("readmitted", "", [], "strikes: 这是群主写的")]
    assert ("removed_kind" in columns, kept) == (False, [(words,)])


def test_upgrade_to_0013_gives_cohorts_a_24_hour_window_and_cases_homework(empty_database):
    database = empty_database()
    names = _migration_names()
    with database.connection_context():
        schema.runner().up(target=FIRST)
        _insert_initial_rows(database)
        schema.runner().up(target=names[names.index("0013_real_windows") - 1])
        p = database.param
        cohort_id = database.execute_sql("SELECT id FROM cohort").fetchone()[0]
        database.execute_sql(
            "INSERT INTO case_study (cohort_id, source_hash, title, body_md, homework_prompt, "
            "tags, publish_fixed, queue_position, removals_paused, created_at, updated_at) "
            f"VALUES ({', '.join([p] * 11)})",
            (cohort_id, "", "旧案例", "正文", "?", "", True, 1, False,
             T0.replace(tzinfo=None), T0.replace(tzinfo=None)))

        schema.runner().up(target="0013_real_windows")
        upgraded = (database.execute_sql("SELECT slug, min_window_hours FROM cohort").fetchall(),
                    database.execute_sql("SELECT title, no_homework FROM case_study").fetchall())
        schema.runner().down(target="0013_real_windows")
        columns = ({c.name for c in database.get_columns("cohort")},
                   {c.name for c in database.get_columns("case_study")})
        kept = database.execute_sql("SELECT title FROM case_study").fetchall()

    assert upgraded == ([("lab-2026", 24)], [("旧案例", False)])
    assert ("min_window_hours" in columns[0], "no_homework" in columns[1], kept) == (
        False, False, [("旧案例",)])


def test_upgrade_keeps_every_search_trigger_on_sqlite(tmp_path):
    """Later migrations must not rebuild a searched table (a rebuild drops its triggers).
    0017 replaced 0007's trigram triggers (<kind>_search_*) by the gram index's."""
    database = bind(f"sqlite:///{tmp_path / 'triggers.db'}")
    with database.connection_context():
        schema.upgrade()
        triggers = sorted(name for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    database.close()

    assert triggers == sorted(f"{kind}_grams_{suffix}" for kind in ("case", "submission",
                                                                     "talk")
                              for suffix in ("ad", "ai", "au"))


def test_0018_stores_the_html_of_existing_homework_and_comments(empty_database):
    from learnclub.models import Comment, Submission
    from tests.factories import make_case, make_cohort, make_member
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort()
        case, learner = make_case(cohort), make_member(cohort)
        homework = Submission.create(case=case, user=learner, body_md="## 第0份", length=2,
                                     submitted_at=T0, updated_at=T0)  # written before 0018
        comment = Comment.create(submission=homework, user=learner, body_md="*好*",
                                 created_at=T0)
        schema.runner().down(target="0018_stored_html")
        gone = "body_html" in {c.name for c in database.get_columns("submission")}
        schema.runner().up(target="0018_stored_html")
        stored = (database.execute_sql("SELECT id, body_html FROM submission").fetchall(),
                  database.execute_sql("SELECT body_html FROM submission_comment").fetchall())

    made = homework.id
    assert gone is False
    assert stored == ([(made, f'<h2 id="s{made}:第0份">第0份</h2>')], [("<p><em>好</em></p>",)])
    assert comment.body_html is None
