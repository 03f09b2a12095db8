"""Cursor pagination for every list: ?limit=1..100 (default 20) and ?cursor=<next_cursor>.

A cursor is the sort key of the last item sent, written as base-36 numbers joined by "."
(e.g. "2s" or "lqx5kz0w.7"). Clients pass it back as they got it; its pattern is in the
OpenAPI document, so any string the document allows is a cursor this code accepts. Keys
are taken from rows, not positions: a row deleted between two pages leaves no gap and no
repeat.
"""
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import request

from learnclub.api.errors import ApiError
from learnclub.api.language import tr

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
PART = r"[0-9a-z]{1,12}"  #: 36**12 < 2**63: every part fits the databases' integers
CURSOR_PATTERNS = {1: rf"^{PART}$", 2: rf"^{PART}\.{PART}$"}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass
class PageRequest:
    limit: int
    after: tuple | None  #: the key of the last item of the previous page


def _base36(number):
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
        if not number:
            return digits


def time_key(instant):
    """A time as a cursor part: whole microseconds since 1970 (times before count as 0)."""
    return max(0, (instant - EPOCH) // timedelta(microseconds=1))


def encode_cursor(key):
    return ".".join(_base36(part) for part in key)


def page_request(parts=1):
    """The page asked for; 400 with the field at fault for a bad limit or cursor."""
    raw = request.args.get("limit")
    if raw is None:
        limit = DEFAULT_LIMIT
    elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
        limit = int(raw)
    else:
        raise ApiError(400, tr("limit must be a whole number from 1 to 100."), field="limit")
    cursor = request.args.get("cursor")
    if cursor is None:
        return PageRequest(limit, None)
    if not re.fullmatch(CURSOR_PATTERNS[parts].strip("^$"), cursor):
        raise ApiError(400, tr("This cursor is not one this list gave out. Start again "
                               "without a cursor."), field="cursor")
    return PageRequest(limit, tuple(int(part, 36) for part in cursor.split(".")))


def page_of_rows(rows, page, key):
    """(items, next_cursor) from rows sorted by `key`, at most `page.limit + 1` of them."""
    rows = list(rows)
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return rows, encode_cursor(key(rows[-1])) if more else None


def page_of_list(items, page, key):
    """(items, next_cursor) of a list already in memory, sorted by `key` ascending."""
    if page.after is not None:
        items = [item for item in items if key(item) > page.after]
    return page_of_rows(items[:page.limit + 1], page, key)


def keyset(query, field, page):
    """Rows of `query` after the cursor by the integer column `field`, one more than a page."""
    if page.after is not None:
        query = query.where(field > page.after[0])
    return query.order_by(field).limit(page.limit + 1)


def listing(items, next_cursor, serialise):
    return {"items": [serialise(item) for item in items], "next_cursor": next_cursor}
