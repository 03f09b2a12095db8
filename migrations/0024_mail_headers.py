"""Mail that passes filters (issue "Production on one box and on many", point 8): an outbox
row keeps the extra headers its mail is sent with, as JSON: the cohort it belongs to (sent as
List-Id with the sender's domain) and, for a mail that asks its reader to reply to the host,
Reply-To. Rows queued before have none and are sent without them.

Written as 0012 was: a nullable column, so no table rebuild on SQLite.
"""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('outbox_message', 'headers', TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('outbox_message', 'headers'))
