"""Column types shared by the models."""
from datetime import UTC, datetime

from peewee import DateTimeField


class UTCDateTimeField(DateTimeField):
    """Stores an aware datetime as naive UTC; gives back an aware UTC datetime.

    The schema is a plain DateTimeField, so migrations freeze it as one.
    """

    def db_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        if isinstance(value, str):  # SQLite's text; most rows' times go through here
            try:
                value = datetime.fromisoformat(value)
            except ValueError:  # a form fromisoformat does not read: peewee's own formats
                value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
