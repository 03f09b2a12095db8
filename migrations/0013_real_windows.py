"""Real windows (issue 13): a cohort's minimum homework window (`min_window_hours`, 24 for
every existing cohort) and a case's "no homework due" flag (False for every existing case).

Generated with playhouse.migrations.template() from the models against a database at 0012.
On SQLite the case table gets its column by a plain ALTER TABLE: peewee's add_column rebuilds
a table to make a column NOT NULL, and a rebuild drops the search triggers of 0007_search.
"""
from peewee import *

def up(migrator, db):
    migrator.migrate(
        migrator.add_column('cohort', 'min_window_hours', SmallIntegerField(default=24)))
    if isinstance(db, SqliteDatabase):
        db.execute_sql("ALTER TABLE case_study ADD COLUMN no_homework INTEGER NOT NULL DEFAULT 0")
    else:
        migrator.migrate(
            migrator.add_column('case_study', 'no_homework', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('case_study', 'no_homework'),
        migrator.drop_column('cohort', 'min_window_hours'))
