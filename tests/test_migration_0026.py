"""Migration 0026 (the last content sync, per cohort and per file): a database from before it
keeps its cohorts and cases, gains the two tables, and the next sync fills them; down drops
them and nothing else."""
from datetime import UTC, datetime

from learnclub import schema
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
THIS = "0026_content_sync_report"
TABLES = {"content_sync", "content_sync_file"}


def test_0026_upgrades_a_database_from_before_it_and_the_next_sync_fills_it(
        empty_database, tmp_path):  # noqa: F811
    from learnclub.domain.cases.sync import problem_count, sync_cohort
    from learnclub.domain.cases.sync_report import last_sync
    from learnclub.models import Case, ContentSyncFile
    from tests.factories import make_case, make_cohort
    from tests.test_content_sync import write_case
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort(slug="lab")
        case = make_case(cohort, title="网页写的案例")
        schema.runner().down(target=THIS)
        before = TABLES & set(database.get_tables())
        schema.runner().up(target=THIS)
        after = TABLES & set(database.get_tables())
        schema.upgrade()  # the code below is the head's: later migrations add columns it reads
        folder = tmp_path / "lab"
        write_case(folder, "01-a.md", "文件里的案例", body="![图](images/gone.png)")
        sync_cohort(cohort, folder, now=T0)
        stored = [(f.name, f.status) for f in ContentSyncFile.select()]
        kept = (Case.get_by_id(case.id).title, problem_count(cohort), last_sync(cohort).created)

    assert (before, after) == (set(), TABLES)
    assert stored == [("01-a.md", "warning")]
    assert kept == ("网页写的案例", 1, 1)


def test_0026_down_drops_its_tables_and_keeps_the_rest(empty_database):  # noqa: F811
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        tables = set(database.get_tables())
        schema.runner().down(target=THIS)
        left = set(database.get_tables())

    assert tables - left >= TABLES
    assert TABLES & left == set()
    assert {"cohort", "case_study", "case_file"} <= left
