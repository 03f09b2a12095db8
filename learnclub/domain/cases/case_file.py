"""Reading a case file: YAML front matter + Markdown (docs/rules.md "Cases from Markdown").

Every problem names the file, the line or field, and what to do about it.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import yaml
from frontmatter.default_handlers import YAMLHandler

from learnclub.domain.cases.schedule import DEFAULT_PUBLISH_TIME
from learnclub.domain.errors import DomainError
from learnclub.domain.text import LONG, SHORT

MAX_BYTES = 1_000_000
KNOWN_KEYS = {"title", "publish_at", "due_at", "homework", "tags", "no_homework"}


class ContentProblem(DomainError):
    """A case file that cannot be imported as it is, or (`warning`) that was imported with
    something to fix. `message` is for the command line, in English; `code` and `params`
    (line, key, image, …) are what the web shows, in the reader's language."""

    def __init__(self, file, where, message, hint, *, code="refused", params=None,
                 warning=False):
        super().__init__(f"{file}: {where}: {message} {hint}".strip())
        self.file, self.where, self.problem, self.hint = file, where, message, hint
        self.code, self.params, self.warning = code, dict(params or {}), warning


@dataclass
class CaseSource:
    title: str
    body_md: str
    homework: str
    tags: list
    publish_at: datetime | None
    due_at: datetime | None
    digest: str
    notes: list = field(default_factory=list)  #: problems that did not stop the import
    #: front matter `no_homework: true`: "no homework due" (not a field: set after parsing)
    no_homework = False
    lines = {}  #: {front-matter key: its line in the file} (not a field: set after parsing)

    def where(self, key):
        """Where a key is in the file, for a ContentProblem: "line 3 (due_at)", or the key."""
        line = self.lines.get(key)
        return f"line {line} ({key})" if line else key


def _decode(raw, name):
    if len(raw) > MAX_BYTES:
        raise ContentProblem(name, "file", f"is {len(raw):,} bytes; the limit is "
                             f"{MAX_BYTES:,}.", "Split the case or move material to a link.",
                             code="too_big", params={"size": len(raw), "limit": MAX_BYTES})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentProblem(name, f"byte {exc.start}", "is not UTF-8 text.",
                             "Save the file as UTF-8.", code="not_utf8",
                             params={"byte": exc.start}) from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2026-02-30) as text, so _when names its key."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_YAML = YAMLHandler()


def _front_matter(text, name):
    """(metadata, body) of a file that opens with a '---' block of 'key: value' lines."""
    # split by hand, not frontmatter.loads(): that drops front matter that is not a mapping
    opening = _YAML.FM_BOUNDARY.match(text)
    if opening is None:
        raise ContentProblem(name, "line 1", "has no front matter.",
                             "Start the file with a '---' block holding at least 'title: …'.",
                             code="no_front_matter", params={"line": 1})
    try:
        fm, body = _YAML.split(text.strip())
    except ValueError as exc:
        raise ContentProblem(name, "line 1", "the front matter is never closed.",
                             "End it with a line of three dashes: '---'.",
                             code="front_matter_unclosed", params={"line": 1}) from exc
    try:
        meta = _YAML.load(fm, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # the YAML text starts on the line the opening '---' match ends on
        first_line = text.count("\n", 0, opening.end()) + 1
        where = f"line {mark.line + first_line}" if mark is not None else "front matter"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentProblem(name, where, f"the YAML front matter is broken ({problem}).",
                             "Check indentation and quote values that contain ':' or '#'.",
                             code="yaml_broken",
                             params={"line": mark.line + first_line} if mark else {}) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentProblem(name, "front matter", "is not a list of 'key: value' lines.",
                             "Write it as e.g. 'title: 小区生鲜团购'.", code="not_mapping")
    return meta, body.strip()


def _when(value, key, name, zone):
    """A front-matter date: aware ISO, or local to the cohort's zone when it names none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        instant = datetime.combine(value, DEFAULT_PUBLISH_TIME)
    else:
        text = str(value).strip()
        try:
            instant = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ContentProblem(name, key, f"'{value}' is not a date and time.",
                                 "Write it like 2026-12-03 20:00 (the cohort's time zone) "
                                 "or 2026-12-03T20:00+08:00.", code="bad_date",
                                 params={"key": key, "value": str(value)[:100]}) from exc
        if len(text) == 10:  # a date alone: the usual evening publication time
            instant = datetime.combine(instant.date(), DEFAULT_PUBLISH_TIME)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone)
    return instant.astimezone(UTC)


def _text(meta, key, name, limit, required=False):
    value = meta.get(key)
    if value is None:
        if required:
            raise ContentProblem(name, key, "is missing.", f"Add '{key}: …' to the front matter.",
                                 code="missing", params={"key": key})
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ContentProblem(name, key, "must be text.", "Quote it: key: \"…\".",
                             code="not_text", params={"key": key})
    value = str(value)
    if required and not value.strip():
        raise ContentProblem(name, key, "is empty.", "Give the case a title.", code="empty",
                             params={"key": key})
    if len(value) > limit or "\x00" in value:
        raise ContentProblem(name, key, f"is longer than {limit} characters.", "Shorten it.",
                             code="too_long", params={"key": key, "limit": limit})
    return value


def _tags(value, name):
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str | int) for t in items):
        raise ContentProblem(name, "tags", "must be a list of words.",
                             "Write it as tags: [社群运营, 生鲜].", code="bad_tags",
                             params={"key": "tags"})
    tags = [str(t).strip().replace(",", " ") for t in items if str(t).strip()]
    if len(", ".join(tags)) > SHORT:  # as the editor stores them
        raise ContentProblem(name, "tags", "are too long together.", "Use fewer or shorter tags.",
                             code="tags_too_long", params={"key": "tags"})
    return tags


def _flag(meta, key, name):
    value = meta.get(key, False)
    if not isinstance(value, bool):
        raise ContentProblem(name, key, "must be true or false.",
                             f"Write '{key}: true' for a case with no homework due.",
                             code="not_bool", params={"key": key})
    return value


def _key_lines(text):
    """{key: line number} of the top-level keys of the front matter (line 1 is '---')."""
    lines = {}
    for number, line in enumerate(text.split("\n")[1:], start=2):
        if line.strip() == "---":
            break
        key, sep, _rest = line.partition(":")
        if sep and key and not key[0].isspace() and key.strip() not in lines:
            lines[key.strip()] = number
    return lines


def parse_case_file(raw, *, name, zone):
    """Parse the bytes of a case file; raise ContentProblem naming what to fix."""
    text = _decode(raw, name)
    meta, body = _front_matter(text, name)
    lines = _key_lines(text)
    try:
        source = _source(raw, meta, body, name, zone, lines)
    except ContentProblem as problem:
        raise _at_line(problem, lines) from None
    for problem in source.notes:
        _at_line(problem, lines)
    return source


def _at_line(problem, lines):
    """The problem with the line of the key it names, for the web's words."""
    key = problem.params.get("key")
    if key in lines and "line" not in problem.params:
        problem.params["line"] = lines[key]
    return problem


def _source(raw, meta, body, name, zone, lines):
    source = CaseSource(
        title=_text(meta, "title", name, SHORT, required=True),
        body_md=body,
        homework=_text(meta, "homework", name, LONG),
        tags=_tags(meta.get("tags"), name),
        publish_at=_when(meta.get("publish_at"), "publish_at", name, zone),
        due_at=_when(meta.get("due_at"), "due_at", name, zone),
        digest=hashlib.sha256(raw).hexdigest(),
    )
    source.no_homework, source.lines = _flag(meta, "no_homework", name), lines
    if len(source.body_md) > LONG * 10:
        raise ContentProblem(name, "body", "is too long.", "Split the case.",
                             code="body_too_long")
    if "\x00" in source.body_md:
        raise ContentProblem(name, "body", "contains a NUL character, which cannot be stored.",
                             "Remove it and save the file again.", code="body_nul")
    if source.due_at and source.publish_at and source.due_at <= source.publish_at:
        raise ContentProblem(name, "due_at", "is not after publish_at.",
                             "Give homework a due time after the case goes out.",
                             code="due_not_after_publish", params={"key": "due_at"})
    for key in sorted(set(meta) - KNOWN_KEYS):
        source.notes.append(ContentProblem(
            name, str(key), "is not a known field and was ignored.",
            "Known fields: title, publish_at, due_at, homework, tags.", code="unknown_key",
            params={"key": str(key)[:100]}, warning=True))
    return source
