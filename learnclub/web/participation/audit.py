"""The membership log of a cohort: every admission, removal, readmission and role change,
newest first, with who did it (or "by rule") and why."""
from flask import render_template, request
from flask_login import login_required
from peewee import JOIN

from learnclub.models import MembershipEvent, User
from learnclub.web.common import cohort_for
from learnclub.web.participation import bp
from learnclub.web.participation.status import action_labels

PER_PAGE = 50


@bp.get("/c/<slug>/audit")
@login_required
def audit(slug):
    """Fifty entries a page (?page=N), in two queries whatever the page."""
    cohort = cohort_for(slug, "manage_participation")
    number = max(request.args.get("page", 1, type=int), 1)
    actor = User.alias()
    events = list(MembershipEvent.select(MembershipEvent, User, actor)
                  .join(User, on=(MembershipEvent.user == User.id), attr="person")
                  .switch(MembershipEvent)
                  .join(actor, JOIN.LEFT_OUTER, on=(MembershipEvent.actor == actor.id),
                        attr="by")
                  .where(MembershipEvent.cohort == cohort)
                  .order_by(MembershipEvent.at.desc(), MembershipEvent.id.desc())
                  .paginate(number, PER_PAGE))
    total = MembershipEvent.select().where(MembershipEvent.cohort == cohort).count()
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("participation/audit.html", cohort=cohort, events=events,
                           page=number, pages=pages, total=total, labels=action_labels(),
                           is_staff=True)
