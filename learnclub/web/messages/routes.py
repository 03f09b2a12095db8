"""消息: the list (newest first, paged, unread marked), opening one (marks it read and goes
where it points) and "mark all read"; `unread_messages` for the navigation's badge."""
from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import NotFound
from learnclub.domain.reach import inbox
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import tr
from learnclub.web.messages import bp
from learnclub.web.messages.words import says, zone_of

MAX_PAGE = 10_000  #: an absurd page number is answered with the last sensible one


@dataclass
class Shown:
    id: int
    text: str
    excerpt: str
    at: datetime
    zone: str
    unread: bool


@bp.route("/messages")
@login_required
def index():
    """The person's messages, newest first, unread ones marked: one query for the page."""
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows, has_more = inbox.messages_of(current_user, page=page)
    shown = [Shown(m.id, says(m), m.data.get("excerpt") or "", m.created_at, zone_of(m),
                   m.read_at is None) for m in rows]
    return render_template("messages/index.html", messages=shown, page=page,
                           has_more=has_more, form=PlainForm())


@bp.route("/messages/<int:message_id>", endpoint="open")
@login_required
def open_message(message_id):
    """Mark the message read and go where it points (the list if nowhere)."""
    try:
        link = inbox.open_message(current_user, message_id, now=clock.now(), tr=tr)
    except NotFound:
        abort(404)
    if not link.startswith("/") or link.startswith("//"):
        link = url_for("messages.index")
    return redirect(link)


@bp.post("/messages/read")
@login_required
def read_all():
    """Mark every message read."""
    if PlainForm().validate_on_submit():
        inbox.mark_all_read(current_user, now=clock.now())
        flash(_("All messages marked as read."), "success")
    return redirect(url_for("messages.index"))


class _UnreadCount:
    """The signed-in person's unread count, asked (one COUNT query) only when a page shows it."""

    def __init__(self, user):
        self._user, self._value = user, None

    def __int__(self):
        if self._value is None:
            self._value = inbox.unread_count(self._user) if self._user else 0
        return self._value

    __index__ = __int__

    def __bool__(self):
        return int(self) > 0

    def __str__(self):
        return str(int(self))

    __html__ = __str__

    def __eq__(self, other):
        return int(self) == other

    def __lt__(self, other):
        return int(self) < other

    def __gt__(self, other):
        return int(self) > other

    def __le__(self, other):
        return int(self) <= other

    def __ge__(self, other):
        return int(self) >= other

    __hash__ = None


@bp.app_context_processor
def _unread_messages():
    """`unread_messages` on every page: the unread count (0 for visitors), queried lazily."""
    user = current_user if current_user.is_authenticated else None
    return {"unread_messages": _UnreadCount(user)}
