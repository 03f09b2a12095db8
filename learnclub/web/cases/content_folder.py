"""The content folder on the Schedule page: the last sync's result per file, and "Sync now"."""
from pathlib import Path

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cases import sync as content_sync
from learnclub.domain.cases.sync_report import last_sync
from learnclub.web.cases import bp
from learnclub.web.cases.sync_words import problem_words, ran_by_words
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for


def _folder(cohort):
    return Path(current_app.config["CONTENT_DIR"]) / cohort.slug


def folder_panel(cohort):
    """What the Schedule page shows of the cohort's content folder, or None when it has no
    folder here and was never synced (a cohort written only in the browser)."""
    last, here = last_sync(cohort), _folder(cohort).is_dir()
    if last is None and not here:
        return None
    files = [(result, [problem_words(m) for m in result.messages])
             for result in (last.problems if last else [])]
    return {"last": last, "files": files, "can_sync": here,
            "ran_by": ran_by_words(last) if last else ""}


@bp.post("/c/<slug>/schedule/sync")
@login_required
def sync_now(slug):
    """Sync the cohort's content folder now and say what happened (staff only)."""
    cohort = cohort_for(slug, "manage_cases")
    back = redirect(url_for("cases.schedule", slug=slug))  # the answer is said at the top
    if not PlainForm().validate_on_submit():
        flash(_("The page had expired; nothing was synced. Please try again."), "error")
        return back
    if not _folder(cohort).is_dir():  # never sync an absent folder: it would archive cases
        flash(_("This server has no content folder for this cohort; nothing was synced."),
              "error")
        return back
    report = content_sync.sync_cohort(cohort, _folder(cohort), now=clock.now(),
                                      by=content_sync.SyncBy.WEB, actor=current_user)
    flash(_sync_words(report), "warn" if report.problems else "success")
    return back


def _sync_words(report):
    """What "Sync now" did, in one sentence: N new, M updated, K archived, and the problems."""
    counts = {"created": len(report.created), "updated": len(report.updated),
              "archived": len(report.archived)}
    problems = len({p.file for p in report.problems})
    if not problems:
        return _("Synced: %(created)d new, %(updated)d updated, %(archived)d archived. No "
                 "problems.", **counts)
    return ngettext("Synced: %(created)d new, %(updated)d updated, %(archived)d archived. "
                    "%(num)d file has problems: see below.",
                    "Synced: %(created)d new, %(updated)d updated, %(archived)d archived. "
                    "%(num)d files have problems: see below.", problems, **counts)
