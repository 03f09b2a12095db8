"""我的 (Me): the signed-in person's own corner, one tap from the phone's tab bar: their
homework and talks per cohort, profile, mail settings, tokens, and signing out."""
from flask import render_template
from flask_login import current_user, login_required

from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.web.cohorts import bp


@bp.get("/me")
@login_required
def me():
    """Links to everything that is the person's own, by cohort."""
    return render_template("cohorts/me.html",
                           memberships=cohort_queries.memberships_of(current_user))
