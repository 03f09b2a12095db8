"""Search (搜索) in a cohort: members find talks, cases and the homework they may read;
for a public cohort, anyone may search its archive."""
from flask import render_template, request
from flask_login import current_user

from learnclub import clock
from learnclub.domain.search.queries import QUERY_MAX, search
from learnclub.web.search import bp
from learnclub.web.sharing.archive import readable_cohort


@bp.get("/c/<slug>/search")
def page(slug):
    """The results for `?q=`: kind, title, a highlighted snippet and the date."""
    cohort, member, staff = readable_cohort(slug)
    found = search(cohort, request.args.get("q", ""), reader=current_user, now=clock.now())
    return render_template("search/results.html", cohort=cohort, found=found,
                           is_member=member, is_staff=staff, query_max=QUERY_MAX)
