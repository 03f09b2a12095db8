"""Search (搜索) over a cohort's archive transcripts, cases and homework, Chinese and English.

Each whitespace-separated term must occur somewhere in the text (AND). On SQLite, terms of
three characters or more go through the FTS5 trigram tables (migrations/0007_search.py, kept
current by triggers); shorter terms, such as one- or two-character Chinese words, fall back
to LIKE. On PostgreSQL every term is an ILIKE, helped by pg_trgm GIN indexes. Wildcards in
the query (% and _) are literal. A handful of queries, however many rows: the reader's
membership, the schedule and the cases they wrote on (for which homework they may read),
then talks, cases and homework.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import and_, or_

from markupsafe import Markup, escape
from peewee import SQL, NodeList, Value

from learnclub.db import is_sqlite
from learnclub.domain.cohorts import access
from learnclub.domain.homework.queries import readable_submissions
from learnclub.models import Case, Submission, Talk

QUERY_MAX = 100
SNIPPET_CONTEXT = 40  #: characters of text shown on each side of the first match
_FTS_MIN = 3  #: the trigram tokenizer cannot match fewer characters


@dataclass
class SearchResult:
    kind: str  #: "talk", "case" or "homework"
    title: str
    ref: dict  #: talk: number; case: case_id; homework: case_id, submission_id
    snippet: Markup  #: already-escaped HTML with <mark> around the matches
    date: datetime | None
    author: str = ""  #: homework: whose it is


@dataclass
class SearchResults:
    query: str  #: the query as searched (cut to QUERY_MAX)
    truncated: bool = False
    results: list = field(default_factory=list)


def _like(column, term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return NodeList((column, SQL("LIKE" if is_sqlite() else "ILIKE"), Value(f"%{escaped}%"),
                     SQL("ESCAPE '\\'")))


def _matches(model, fts_table, columns, terms):
    """A condition: every term occurs in one of the columns (FTS5 for long terms on SQLite)."""
    long_terms = [t for t in terms if len(t) >= _FTS_MIN] if is_sqlite() else []
    conditions = [reduce(or_, (_like(c, t) for c in columns))
                  for t in terms if t not in long_terms]
    if long_terms:
        expression = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        conditions.append(model.id.in_(NodeList((SQL(
            f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?", (expression,)),),
            parens=True)))
    return reduce(and_, conditions)


def snippet(text, terms, context=SNIPPET_CONTEXT):
    """The text around the first match, escaped, with <mark> around every match in it."""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - context) if first else 0
    end = min(len(text), (first.end() if first else 0) + context * 2)
    window, out, at = text[start:end], [], 0
    for m in pattern.finditer(window):
        out += [escape(window[at:m.start()]), Markup("<mark>"), escape(m.group()),
                Markup("</mark>")]
        at = m.end()
    out.append(escape(window[at:]))
    return Markup("{}{}{}").format("…" if start else "", Markup("").join(out),
                                   "…" if end < len(text) else "")


def _talks(cohort, terms, limit):
    talks = (Talk.select().where((Talk.cohort == cohort) & Talk.published_at.is_null(False)
                                 & _matches(Talk, "talk_search",
                                            [Talk.topic, Talk.transcript_md], terms))
             .order_by(Talk.published_at.desc()).limit(limit))
    return [SearchResult("talk", t.topic, {"number": t.number},
                         snippet(t.transcript_md or t.topic, terms), t.published_at)
            for t in talks]


def _cases(cohort, terms, now, limit):
    cases = (Case.published(cohort, now)
             .where(_matches(Case, "case_search", [Case.title, Case.body_md], terms))
             .order_by(Case.publish_at.desc()).limit(limit))
    return [SearchResult("case", c.title, {"case_id": c.id},
                         snippet(c.body_md or c.title, terms), c.publish_at) for c in cases]


def _homework(cohort, terms, reader, membership, now, limit):
    """Homework the reader may read (homework.queries.readable_submissions, the case page's
    rule) on cases that are out."""
    rows = (readable_submissions(cohort, reader, now=now, membership=membership)
            .where(Case.is_out(now)
                   & _matches(Submission, "submission_search", [Submission.body_md], terms))
            .order_by(Submission.updated_at.desc()).limit(limit))
    return [SearchResult("homework", s.case.title,
                         {"case_id": s.case_id, "submission_id": s.id},
                         snippet(s.body_md, terms), s.updated_at, author=s.user.display_name)
            for s in rows]


def search(cohort, query, *, reader, now, limit=30):
    """What the reader may find for `query` in the cohort: visitors and outsiders the archive
    only, members cases and the homework they may read too. Newest first; no side effects."""
    query = " ".join((query or "").split())
    found = SearchResults(query[:QUERY_MAX].strip(), truncated=len(query) > QUERY_MAX)
    terms = list(dict.fromkeys(found.query.split()))
    if not terms:
        return found
    membership = access.membership_of(reader, cohort)
    results = _talks(cohort, terms, limit)
    if access.can(reader, "view_cohort_pages", cohort, membership):
        results += _cases(cohort, terms, now, limit)
        results += _homework(cohort, terms, reader, membership, now, limit)
    found.results = sorted(results, key=lambda r: r.date or now, reverse=True)[:limit]
    return found
