"""The caller's messages (消息), newest first: what the web's messages page lists."""
from flask import jsonify

from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query
from learnclub.api.pagination import listing, page_of_rows, page_request
from learnclub.domain.reach import inbox


@bp.get("/messages")
@query("limit", "cursor")
def messages():
    """The caller's messages, newest first, read or not (reading them here marks nothing)."""
    page = page_request()
    rows = inbox.messages_before(current_user(),
                                 before=page.after[0] if page.after else None,
                                 limit=page.limit + 1)
    items, cursor = page_of_rows(rows, page, key=lambda m: (m.id,))
    return jsonify(listing(items, cursor, serialise.message))
