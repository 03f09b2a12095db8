"""Mail as text and HTML: an outbox row keeps the HTML part beside the text. Rows queued
before have none and are still sent, as text only.

Generated with playhouse.migrations.template() from the models against a database at 0011,
then kept as generated.
"""
# Generated from a schema diff on 2026-12-04 16:47.
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('outbox_message', 'html_body', TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('outbox_message', 'html_body'))
