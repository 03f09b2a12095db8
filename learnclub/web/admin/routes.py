"""Pages for the site's administrators: the sent-mail log while no mail server is set."""
from flask import abort, current_app, render_template
from flask_login import current_user, login_required

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
