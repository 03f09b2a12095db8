"""Migration 0037 (a cohort's own application questions): a database from before it keeps
its cohorts and applications, gains the two tables, and its cohorts ask no questions of
their own (the two fixed ones stay); down drops the two tables and nothing else."""
from learnclub import schema
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

THIS = "0037_application_questions"
TABLES = {"application_question", "application_answer"}


def test_0037_upgrades_a_database_from_before_it_with_no_questions(empty_database):  # noqa: F811
    from learnclub.domain.cohorts import questions, screening
    from learnclub.models import Application
    from tests.factories import make_application, make_cohort
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort(slug="lab")
        application = make_application(cohort, motivation="想学", background="宝妈")
        schema.runner().down(target=THIS)
        before = TABLES & set(database.get_tables())
        schema.runner().up(target=THIS)
        after = TABLES & set(database.get_tables())
        schema.upgrade()  # the code below is the head's
        asked = questions.live_questions(cohort)
        found = screening.screen_page(cohort, screening.parse({}))
        kept = Application.get_by_id(application.id)

    assert (before, after) == (set(), TABLES)
    assert asked == []
    assert ([a.id for a in found.rows], found.answers, found.questions) == (
        [application.id], {}, [])
    assert (kept.motivation, kept.background) == ("想学", "宝妈")


def test_0037_down_drops_its_tables_and_keeps_the_rest(empty_database):  # noqa: F811
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        tables = set(database.get_tables())
        schema.runner().down(target=THIS)
        left = set(database.get_tables())

    assert tables - left >= TABLES
    assert TABLES & left == set()
    assert {"cohort", "application", "application_tag"} <= left
