"""Mentions that ping (issue "An app people open every day", point 9): a member may give a
mobile number and a Feishu user id for chat-group robots to @-mention them by, used only with
their consent (`mention_consent_at`, when they gave it); a robot mentions members that way
only when its `mention_members` is on. Existing members have none and no consent, existing
robots have it off: posts stay as they were.

Written as 0008 was: columns with defaults or nullable, so no table rebuild on SQLite.
"""
from peewee import *

def up(migrator, db):
    migrator.migrate(
        migrator.add_column('user', 'mention_phone', CharField(max_length=16, default='')),
        migrator.add_column('user', 'feishu_user_id', CharField(max_length=64, default='')),
        migrator.add_column('user', 'mention_consent_at', DateTimeField(null=True)),
        migrator.add_column('chat_hook', 'mention_members', BooleanField(default=False)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('chat_hook', 'mention_members'),
        migrator.drop_column('user', 'mention_consent_at'),
        migrator.drop_column('user', 'feishu_user_id'),
        migrator.drop_column('user', 'mention_phone'),
    )
