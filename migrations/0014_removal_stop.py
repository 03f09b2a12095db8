"""The safety stop on mass removal (issue 13): a cohort's `removal_stop_percent` (20) and
`removal_stop_count` (5), and the sweep it holds (`removals_held_at`, none held;
`removals_held_ids`, the learners held).

Generated with playhouse.migrations.template() from the models against a database at 0013,
UTCDateTimeField frozen as the DateTimeField it is in the schema.
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('cohort', 'removal_stop_percent', SmallIntegerField(default=20)),
        migrator.add_column('cohort', 'removal_stop_count', SmallIntegerField(default=5)),
        migrator.add_column('cohort', 'removals_held_at', DateTimeField(null=True)),
        migrator.add_column('cohort', 'removals_held_ids', TextField(default='[]')))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('cohort', 'removals_held_ids'),
        migrator.drop_column('cohort', 'removals_held_at'),
        migrator.drop_column('cohort', 'removal_stop_count'),
        migrator.drop_column('cohort', 'removal_stop_percent'))
