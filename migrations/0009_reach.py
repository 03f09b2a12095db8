"""Reaching people where they are: chat-group robots per cohort (posts go through the
outbox, which now also records a mail's preference kind and what became of it), mail
preferences per person, personal access tokens for the JSON API, a group nickname per
person and a language per cohort for what is posted into its groups.

Generated with playhouse.migrations.template() from the models against a database at 0008;
the one addition by hand marks the mails already sent as "sent".
"""
# Generated from a schema diff on 2026-11-22 16:13.
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

    class AccessToken(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        name = CharField(max_length=100)
        token_hash = CharField(unique=True, max_length=64)
        prefix = CharField(max_length=16)
        scope = CharField(max_length=16)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'access_token'
    db.create_tables([AccessToken])

    class ChatHook(Model):
        cohort = ForeignKeyField(Cohort, on_delete='CASCADE')
        kind = CharField(max_length=16)
        label = CharField(max_length=100)
        url = TextField()
        secret = CharField(max_length=200, default='')
        events = CharField(max_length=200, default='')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'chat_hook'
    db.create_tables([ChatHook])

    class MailPreference(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=32)
        mode = CharField(max_length=16)
        class Meta:
            database = db
            table_name = 'mail_preference'
            indexes = ((('user', 'kind'), True),)
    db.create_tables([MailPreference])

    migrator.migrate(migrator.add_column('user', 'group_nickname', CharField(max_length=100, default='')))
    migrator.migrate(migrator.add_column('cohort', 'language', CharField(max_length=16, default='zh_Hans_CN')))
    migrator.migrate(migrator.add_column('outbox_message', 'hook_id', ForeignKeyField(ChatHook, field=ChatHook.id, null=True, on_delete='CASCADE')))
    migrator.migrate(migrator.add_column('outbox_message', 'kind', CharField(max_length=32, default='')))
    migrator.migrate(migrator.add_column('outbox_message', 'outcome', CharField(max_length=16, default='')))
    db.execute_sql("UPDATE outbox_message SET outcome = 'sent' WHERE sent_at IS NOT NULL")


def down(migrator, db):
    migrator.migrate(migrator.drop_index('outbox_message', 'outbox_message_hook_id'))
    migrator.migrate(migrator.drop_column('outbox_message', 'outcome'))
    migrator.migrate(migrator.drop_column('outbox_message', 'kind'))
    migrator.migrate(migrator.drop_column('outbox_message', 'hook_id'))
    migrator.migrate(migrator.drop_column('cohort', 'language'))
    migrator.migrate(migrator.drop_column('user', 'group_nickname'))
    migrator.migrate(migrator.drop_table('mail_preference'))
    migrator.migrate(migrator.drop_table('chat_hook'))
    migrator.migrate(migrator.drop_table('access_token'))
