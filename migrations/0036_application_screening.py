"""Screening at scale (issue "Community depth", point 1): staff score an application from 1
to 5 (`application.score`, NULL until scored) and tag it (`application_tag`, stored
normalised, unique per application and tag). Existing applications have no score and no
tags.

A nullable column (no table rebuild on SQLite, as 0012) and a new table built from a frozen
model, as 0030 does.
"""
from peewee import CharField, ForeignKeyField, Model, SmallIntegerField


def up(migrator, db):
    class Application(Model):
        class Meta:
            database = db
            table_name = "application"

    class ApplicationTag(Model):
        application = ForeignKeyField(Application, backref="+", on_delete="CASCADE")
        tag = CharField(max_length=20)

        class Meta:
            database = db
            table_name = "application_tag"
            indexes = ((("application", "tag"), True),)

    migrator.migrate(migrator.add_column("application", "score", SmallIntegerField(null=True)))
    db.create_tables([ApplicationTag])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("application_tag"))
    migrator.migrate(migrator.drop_column("application", "score"))
