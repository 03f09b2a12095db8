"""Weekly guest sharing: slots (weeks on the calendar), talks and their preferred weeks,
transcript revisions, the archive counter (第N期); one guest per week as a partial unique
index on talk(slot_id).

Generated with playhouse.migrations.template() from the models, then frozen here; the two
partial indexes it flags as TODO were added by hand.
"""
# Generated from a schema diff on 2026-11-22 15:02.
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

    class ArchiveCounter(Model):
        cohort = ForeignKeyField(Cohort, unique=True, on_delete='CASCADE')
        last_number = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'archive_counter'
    db.create_tables([ArchiveCounter])

    class ShareSlot(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        kind = CharField(max_length=16, default='weekly')
        week = CharField(null=True, max_length=10)
        starts_at = DateTimeField()
        minutes = SmallIntegerField(default=60)
        status = CharField(max_length=16, default='open')
        sequence = IntegerField(default=0)
        uid = CharField(unique=True, max_length=100)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'share_slot'
            indexes = ((('cohort', 'week'), True),)
    # partial index, added by hand (the generator leaves partial indexes as a TODO)
    ShareSlot.add_index(ShareSlot.cohort, ShareSlot.starts_at, unique=True,
                        where=SQL("status = 'open'"), name='share_slot_open_starts_at')
    db.create_tables([ShareSlot])

    class Talk(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        guest = ForeignKeyField(User, on_delete='CASCADE')
        topic = CharField(max_length=300)
        abstract_md = TextField(default='')
        title_snapshot = CharField(max_length=300, default='')
        bio_snapshot = TextField(default='')
        status = CharField(max_length=16, default='submitted')
        slot = ForeignKeyField(ShareSlot, null=True, on_delete='SET NULL')
        transcript_md = TextField(default='')
        recording_url = CharField(max_length=500, default='')
        number = IntegerField(null=True)
        published_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'talk'
            indexes = ((('cohort', 'number'), True),)
    # partial index, added by hand: one guest per week, guaranteed by the database
    Talk.add_index(Talk.slot, unique=True,
                   where=SQL("status IN ('accepted', 'confirmed', 'held')"),
                   name='talk_one_per_slot')
    db.create_tables([Talk])

    class TalkPreference(Model):
        talk = ForeignKeyField(Talk, on_delete='CASCADE')
        slot = ForeignKeyField(ShareSlot, on_delete='CASCADE')
        rank = SmallIntegerField()
        class Meta:
            database = db
            table_name = 'talk_preference'
            indexes = ((('talk', 'slot'), True), (('talk', 'rank'), True))
    db.create_tables([TalkPreference])

    class TalkRevision(Model):
        talk = ForeignKeyField(Talk, on_delete='CASCADE')
        transcript_md = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'talk_revision'
    db.create_tables([TalkRevision])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('talk_revision'))
    migrator.migrate(migrator.drop_table('talk_preference'))
    migrator.migrate(migrator.drop_table('talk'))
    migrator.migrate(migrator.drop_table('share_slot'))
    migrator.migrate(migrator.drop_table('archive_counter'))
