"""The cohort log: every admission, removal, readmission and role change (the membership log)
and every other change a person made in the cohort (settings, pauses, leave, excuses and
extensions, cases, talks and sessions, robots, invite links), newest first, with who did it
(or "by rule"), on what, and what changed."""
from flask import render_template, request
from flask_login import login_required

from learnclub.domain.cohorts import activity
from learnclub.web.common import cohort_for
from learnclub.web.participation import bp
from learnclub.web.participation.log_words import Describer, action_words

PER_PAGE = 50


@bp.get("/c/<slug>/audit")
@login_required
def audit(slug):
    """Fifty entries a page (?page=N), in two queries whatever the page."""
    cohort = cohort_for(slug, "manage_participation")
    log = activity.cohort_log(cohort, page=request.args.get("page", 1, type=int),
                              per_page=PER_PAGE)
    describe = Describer(cohort)
    rows = [(e, None if e.source == "membership" else
             {"on": describe.on_what(e), "changes": describe.changes(e)}) for e in log.entries]
    return render_template("participation/audit.html", cohort=cohort, rows=rows,
                           page=log.page, pages=log.pages, total=log.total,
                           labels=action_words(), is_staff=True)
