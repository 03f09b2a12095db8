"""A learner's own homework as one Markdown file: every case they wrote on, oldest first,
with the times, and each text exactly as written (removed learners keep this too)."""
from zoneinfo import ZoneInfo

from flask_babel import gettext as _


def homework_markdown(cohort, user, submissions, edited_after_due=None, *, pictures=None,
                      picture_url="{}"):
    """The file's text: a heading per case, the times in the cohort's zone, the text;
    `edited_after_due` ({submission id: when}, domain/homework/timing.py) marks an edit
    saved after the due time; `pictures` ({submission id: [picture]}) are listed as links
    (`picture_url` with "{}" for a picture's id)."""
    zone = ZoneInfo(cohort.timezone)
    edited_after_due = edited_after_due or {}
    pictures = pictures or {}

    def when(instant):
        return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    parts = [f"# {cohort.name}\n\n"
             + _("Homework by %(name)s. Times are in %(zone)s.", name=user.display_name,
                 zone=cohort.timezone) + "\n"]
    for submission in submissions:
        times = "- " + _("Submitted: %(when)s", when=when(submission.submitted_at))
        if submission.is_late:
            times += " (" + _("late") + ")"
        if submission.updated_at != submission.submitted_at:
            times += "\n- " + _("Last edited: %(when)s", when=when(submission.updated_at))
        if submission.id in edited_after_due:
            edited = edited_after_due[submission.id].astimezone(zone).strftime("%H:%M")
            times += " (" + _("edited after the due time (%(time)s)", time=edited) + ")"
        links = "".join("- [" + _("Picture %(n)d", n=n) + f"]({picture_url.format(image.id)})\n"
                        for n, image in enumerate(pictures.get(submission.id, []), start=1))
        if links:
            links = "\n" + _("Pictures:") + "\n\n" + links
        parts.append(f"## {submission.case.title}\n\n{times}\n\n{submission.body_md}\n{links}")
    return "\n".join(parts)
