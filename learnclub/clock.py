"""The one place that asks what time it is. Everything else takes `now` as an argument."""
from datetime import UTC, datetime


def now() -> datetime:
    """Current instant as an aware UTC datetime."""
    return datetime.now(UTC)
