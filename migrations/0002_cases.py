"""Case studies: cases, their revisions and uploaded images.

Generated with playhouse.migrations.template() from the models, then frozen here.
"""
# Generated from a schema diff on 2026-11-22 13:58.
from peewee import *

def up(migrator, db):
    class Cohort(Model):
        class Meta:
            database = db
            table_name = 'cohort'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Case(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        source_path = CharField(null=True, max_length=500)
        source_hash = CharField(max_length=64, default='')
        title = CharField(max_length=300)
        body_md = TextField(default='')
        homework_prompt = TextField(default='')
        tags = CharField(max_length=500, default='')
        publish_at = DateTimeField(index=True, null=True)
        publish_fixed = BooleanField(default=False)
        due_at_fixed = DateTimeField(null=True)
        queue_position = IntegerField(default=0)
        announced_at = DateTimeField(null=True)
        archived_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'case_study'
            indexes = ((('cohort', 'source_path'), True),)
    db.create_tables([Case])

    class CaseFile(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        name = CharField(max_length=200)
        content_type = CharField(max_length=50)
        size = IntegerField()
        stored_as = CharField(max_length=300)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'case_file'
            indexes = ((('case', 'name'), True),)
    db.create_tables([CaseFile])

    class CaseRevision(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        title = CharField(max_length=300)
        body_md = TextField()
        homework_prompt = TextField(default='')
        source = CharField(max_length=16)
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'case_revision'
    db.create_tables([CaseRevision])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('case_revision'))
    migrator.migrate(migrator.drop_table('case_file'))
    migrator.migrate(migrator.drop_table('case_study'))
