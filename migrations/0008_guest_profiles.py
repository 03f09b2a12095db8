"""Guest profiles: an optional profile photo per user, and the cohort setting that lets
visitors propose a talk on the public page (the host approves them as guests).

Generated with playhouse.migrations.template() from the models against a database at 0006
(0007 is another change's and touches neither column), then kept as generated.
"""
# Generated from a schema diff on 2026-11-22 15:30.
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('user', 'photo', CharField(max_length=300, default='')))
    migrator.migrate(migrator.add_column('cohort', 'guest_proposals_public', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('cohort', 'guest_proposals_public'))
    migrator.migrate(migrator.drop_column('user', 'photo'))
