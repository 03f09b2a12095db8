"""Importing `content/<cohort-slug>/*.md`: idempotent, keyed on the file path.

A changed file updates its case (keeping a revision once published); a file that disappears
archives its case and never deletes homework; a broken file is reported and leaves its case
as it was, while the other files still import.
"""
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cases import editing as cases
from learnclub.domain.cases.case_file import ContentProblem, parse_case_file
from learnclub.domain.cases.images import import_folder_images
from learnclub.domain.cases.sync_report import SyncBy, problem_count, record_sync
from learnclub.domain.cases.windows import check_window
from learnclub.domain.errors import DomainError
from learnclub.models import Case, Cohort

SKIPPED_NAMES = {"readme.md"}
#: the host's to-do home asks this: files with problems in the cohort's last sync
__all__ = ["SyncBy", "problem_count", "sync_all", "sync_cohort", "waiting_folders"]


@dataclass
class SyncReport:
    cohort: str
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    archived: list = field(default_factory=list)
    restored: list = field(default_factory=list)
    problems: list = field(default_factory=list)  #: ContentProblem, one per file problem
    #: case files in a folder that no cohort's address matches yet: nothing was imported
    waiting: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated or self.archived or self.restored)


def case_files(folder):
    """The Markdown files of a cohort's folder, in name order (the queue's order)."""
    return sorted(p for p in folder.glob("*.md")
                  if p.is_file() and p.name.lower() not in SKIPPED_NAMES
                  and not p.name.startswith((".", "_")))


def _values(source):
    return {"title": source.title, "body_md": source.body_md,
            "homework_prompt": source.homework, "tags": ", ".join(source.tags),
            "publish_at": source.publish_at, "due_at": source.due_at,
            "no_homework": source.no_homework}


def _check_window(cohort, source, case, name, now):
    """The editor's rule for windows (cases.windows), reported at the front matter line."""
    try:
        check_window(cohort, _values(source), now=now, case=case)
    except DomainError as exc:
        params = {**getattr(exc, "params", {}), "key": exc.field or "due_at"}
        if exc.field in source.lines:
            params["line"] = source.lines[exc.field]
        raise ContentProblem(name, source.where(exc.field), exc.message,
                             "Fix the front matter, or add 'no_homework: true', and sync "
                             "again.", code=getattr(exc, "code", "refused"),
                             params=params) from exc


def _import_file(cohort, path, existing, report, *, now):
    name = path.name
    try:
        source = parse_case_file(path.read_bytes(), name=name, zone=ZoneInfo(cohort.timezone))
    except ContentProblem as problem:
        report.problems.append(problem)
        return
    report.problems.extend(source.notes)
    case = existing.get(name)
    if case is None or case.source_hash != source.digest:
        _check_window(cohort, source, case, name, now)
    if case is None:
        cases.create_case(cohort, _values(source), actor=None, now=now, source_path=name,
                          source_hash=source.digest)
        report.created.append(name)
        return
    if case.archived_at is not None:
        cases.restore_case(case, now=now)
        case = Case.get_by_id(case.id)  # fresh: saving the stale row would archive it again
        report.restored.append(name)
    if case.source_hash == source.digest:
        report.unchanged.append(name)
        return
    cases.update_case(case, _values(source), actor=None, now=now, source="file",
                      source_hash=source.digest)
    report.updated.append(name)


def sync_cohort(cohort, folder, *, now, by=SyncBy.COMMAND, actor=None):
    """Bring the cohort's cases in line with its folder, and keep the result as its last
    sync (sync_report), run `by` the scheduler, the command line or `actor` on the web.
    Returns a SyncReport."""
    report = SyncReport(cohort.slug)
    with write_transaction():  # one sync per cohort at a time, whichever process runs it
        lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        names = _sync_locked(cohort, folder, report, now=now)
        record_sync(cohort, report, names, by=by, actor=actor, now=now)
    return report


def _sync_locked(cohort, folder, report, *, now):
    existing = {c.source_path: c for c in Case.select().where(
        (Case.cohort == cohort) & Case.source_path.is_null(False))}
    files = case_files(folder) if folder.is_dir() else []
    for path in files:
        try:
            with write_transaction():
                _import_file(cohort, path, existing, report, now=now)
        except ContentProblem as problem:  # a rule refused the values (e.g. due before publish)
            report.problems.append(problem)
        except DomainError as exc:
            report.problems.append(ContentProblem(
                path.name, exc.field or "file", exc.message, "Fix the front matter and sync "
                "again.", code="refused", params={"detail": exc.message[:500]}))
    present = {p.name for p in files}
    _import_images(cohort, folder, present, report, now=now)
    for name, case in existing.items():
        if name not in present and case.archived_at is None:
            cases.archive_case(case, now=now)
            report.archived.append(name)
    return [p.name for p in files]


def _import_images(cohort, folder, present, report, *, now):
    """Images the cases show from beside their files go into the database (domain/files.py),
    so every box serves them without the content folder."""
    for case in Case.select().where((Case.cohort == cohort) & Case.source_path.in_(present)):
        for image in import_folder_images(case, folder, now=now):
            report.problems.append(ContentProblem(
                case.source_path, image.ref, image.message, image.hint, code=image.code,
                params=image.params, warning=True))


def waiting_folders(content_dir):
    """{folder name: its case file names} for folders under `content_dir` that no cohort's
    address matches yet (e.g. the sample `community-lab/` before anyone made that cohort)."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        return {}
    taken = {c.slug for c in Cohort.select(Cohort.slug)}
    return {p.name: [f.name for f in case_files(p)] for p in sorted(content_dir.iterdir())
            if p.is_dir() and p.name not in taken}


def sync_all(content_dir, *, now, by=SyncBy.COMMAND):
    """Sync every cohort folder under `content_dir`. A folder no cohort matches yet is not a
    problem (the sample folder waits for its cohort): its report lists the files `waiting`."""
    content_dir = Path(content_dir)
    reports = []
    folders = sorted(p for p in content_dir.iterdir() if p.is_dir()) if content_dir.is_dir() \
        else []
    cohorts = {c.slug: c for c in Cohort.select()}
    for folder in folders:
        cohort = cohorts.get(folder.name)
        if cohort is None:
            waiting = [p.name for p in case_files(folder)]
            if waiting:
                reports.append(SyncReport(folder.name, waiting=waiting))
            continue
        reports.append(sync_cohort(cohort, folder, now=now, by=by))
    for slug, cohort in cohorts.items():
        if not (content_dir / slug).is_dir() and Case.select().where(
                (Case.cohort == cohort) & Case.source_path.is_null(False)
                & Case.archived_at.is_null()).exists():
            reports.append(sync_cohort(cohort, content_dir / slug, now=now, by=by))
    return reports
