"""The one place that asks what time it is. Everything else takes `now` as an argument.

A running server always reads the real clock: no URL, header, setting or environment
variable moves it. Only code inside the same process can, through `travel_to`, and only the
test suite does (its `clock` fixture): the domain, jobs, the web, the API and the CLI then all
see the instant the test chose, the live server of the browser tests included (it serves from
a thread of the test process).
"""
import time
from datetime import UTC, datetime, timedelta

#: (instant, monotonic reading when we arrived there, or None when time stands still);
#: None: the real clock. Set only by `travel_to`, which only the test suite calls.
_travel: tuple[datetime, float | None] | None = None


def now() -> datetime:
    """Current instant as an aware UTC datetime."""
    if _travel is None:
        return datetime.now(UTC)
    instant, since = _travel
    if since is None:
        return instant
    return instant + timedelta(seconds=time.monotonic() - since)


def travel_to(instant: datetime, *, frozen: bool = False) -> None:
    """Make `now()` answer `instant` from here on in this process (ticking on from it unless
    `frozen`); for tests only: a running server never calls it."""
    global _travel
    if instant.tzinfo is None:
        raise ValueError("travel_to needs an aware datetime")
    _travel = (instant.astimezone(UTC), None if frozen else time.monotonic())


def come_back() -> None:
    """Back to the real clock."""
    global _travel
    _travel = None
