"""Pages for the site's administrators: the sent-mail log while no mail server is set, and
the scheduler (who holds its lease, each job's last run and error)."""
from flask import abort, current_app, render_template
from flask_login import current_user, login_required

from learnclub import clock, jobs, leader
from learnclub.domain.reach.queries import latest_mails
from learnclub.web.admin import bp


@bp.get("/mail")
@login_required
def mail():
    """The newest 200 outbox messages with their status: in development, mail is read here."""
    if not current_user.is_admin:
        abort(403)
    rows = latest_mails(limit=200)
    return render_template("admin/mail.html", rows=rows,
                           delivering=bool(current_app.config["MAIL_URL"]))


@bp.get("/jobs")
@login_required
def scheduled_jobs():
    """Who holds the scheduler lease, and each job's last start, success, duration and error."""
    if not current_user.is_admin:
        abort(403)
    intervals = {name: interval for name, (_job, interval) in jobs.JOBS.items()}
    report = leader.status(now=clock.now(), intervals=intervals)
    return render_template("admin/jobs.html", report=report)
