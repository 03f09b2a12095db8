"""The database schema over time: peewee's migration runner on `migrations/`."""
from pathlib import Path

from playhouse.migrations import Runner

from learnclub.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def runner(directory=MIGRATIONS_DIR):
    return Runner(db.obj, str(directory))


def upgrade():
    """Apply every pending migration; returns their names."""
    return runner().up()


def status():
    """(name, applied-at or None) for every migration, in order."""
    return [(m.name, m.applied) for m in runner().status()]


def pending():
    return [name for name, applied in status() if applied is None]
