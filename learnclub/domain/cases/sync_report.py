"""The last sync of a cohort's content folder, whoever ran it (the scheduler, the command
line, "Sync now" on the Schedule page): when and by what, and per case file its status and
its problems, kept as codes and parameters (the web words them in the reader's language)."""
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from peewee import JOIN

from learnclub.models import ContentSync, ContentSyncFile, User


class SyncBy(StrEnum):
    """What ran a sync."""
    SCHEDULER = "scheduler"
    COMMAND = "command"
    WEB = "web"


class FileStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"  #: imported, with something to fix (an image the page cannot show)
    ERROR = "error"  #: not imported: its case (if any) stays as it was


@dataclass
class FileResult:
    name: str
    status: str
    messages: list  #: [{"code": …, "params": {…}}], in the order the sync found them


@dataclass
class LastSync:
    ran_at: datetime
    ran_by: str
    actor_name: str  #: who pressed "Sync now", "" otherwise
    created: int
    updated: int
    archived: int
    restored: int
    problems: list = field(default_factory=list)  #: FileResults: errors first, then warnings
    ok_count: int = 0


def _storable(text):
    """Text as the database takes it: a lone surrogate (a file name that is not UTF-8, a YAML
    escape such as "\\ud800") becomes U+FFFD."""
    if not isinstance(text, str):
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def file_results(report, names):
    """{file name: FileResult} of one sync (a sync.SyncReport) over the folder's `names`."""
    messages = {_storable(name): [] for name in names}
    failed = set()
    for problem in report.problems:
        params = {key: _storable(value) for key, value in problem.params.items()}
        messages.setdefault(_storable(problem.file), []).append(
            {"code": problem.code, "params": params})
        if not problem.warning:
            failed.add(_storable(problem.file))
    return {name: FileResult(name, FileStatus.ERROR if name in failed
                             else FileStatus.WARNING if found else FileStatus.OK, found)
            for name, found in messages.items()}


def record_sync(cohort, report, names, *, by, actor=None, now):
    """Keep this sync as the cohort's last: upserts its content_sync row and writes the file
    rows that changed (an unchanged folder rewrites none). Call it inside the sync's
    transaction. Returns the FileResults."""
    results = file_results(report, names)
    counts = {k: len(getattr(report, k)) for k in ("created", "updated", "archived", "restored")}
    values = {"cohort": cohort.id, "ran_at": now, "ran_by": str(by),
              "actor": actor.id if actor is not None else None, **counts}
    (ContentSync.insert(**values)
     .on_conflict(conflict_target=[ContentSync.cohort],
                  update={getattr(ContentSync, k): v for k, v in values.items() if k != "cohort"})
     .execute())
    _write_files(cohort, results)
    return results


def _write_files(cohort, results):
    stored = {row.name: row for row in
              ContentSyncFile.select().where(ContentSyncFile.cohort == cohort.id)}
    gone = [row.id for name, row in stored.items() if name not in results]
    if gone:
        ContentSyncFile.delete().where(ContentSyncFile.id.in_(gone)).execute()
    new = []
    for name, result in results.items():
        text = json.dumps(result.messages, ensure_ascii=False, sort_keys=True)
        row = stored.get(name)
        if row is None:
            new.append({"cohort": cohort.id, "name": name, "status": str(result.status),
                        "messages": text})
        elif (row.status, row.messages) != (result.status, text):
            ContentSyncFile.update(status=str(result.status), messages=text).where(
                ContentSyncFile.id == row.id).execute()
    if new:
        ContentSyncFile.insert_many(new).execute()


def last_sync(cohort):
    """The cohort's last sync as a LastSync, or None if its folder was never synced.
    Three queries, however many files the folder holds."""
    row = (ContentSync.select(ContentSync, User.display_name)
           .join(User, JOIN.LEFT_OUTER, on=(ContentSync.actor == User.id))
           .where(ContentSync.cohort == cohort.id).objects().first())
    if row is None:
        return None
    problems = [FileResult(r.name, r.status, json.loads(r.messages)) for r in
                ContentSyncFile.select().where((ContentSyncFile.cohort == cohort.id)
                                               & (ContentSyncFile.status != FileStatus.OK))]
    problems.sort(key=lambda r: (r.status != FileStatus.ERROR, r.name))
    ok_count = ContentSyncFile.select().where((ContentSyncFile.cohort == cohort.id) & (
        ContentSyncFile.status == FileStatus.OK)).count()
    return LastSync(row.ran_at, row.ran_by, row.display_name or "", row.created, row.updated,
                    row.archived, row.restored, problems, ok_count)


def problem_count(cohort):
    """How many of the cohort's case files had an error or a warning in the last sync (0 if
    never synced): one query. For the host's to-do list."""
    return ContentSyncFile.select().where((ContentSyncFile.cohort == cohort.id) & (
        ContentSyncFile.status != FileStatus.OK)).count()

