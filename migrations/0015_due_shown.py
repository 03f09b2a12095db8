"""Cases remember the due time learners were shown when the case went out
(`case_study.due_shown_at`, empty for every existing case): no rule moves it earlier.

Generated with playhouse.migrations.template() from the models against a database at 0014,
then kept as generated.
"""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('case_study', 'due_shown_at', DateTimeField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('case_study', 'due_shown_at'))
