"""Search (搜索) over a cohort's archive transcripts, cases and homework, Chinese and English.

Each whitespace-separated term must occur somewhere in the text (AND), as LIKE (SQLite) or
ILIKE (PostgreSQL) says; wildcards in the query (% and _) are literal. The character n-gram
index (grams.py, migrations/0017_search_grams.py) narrows each kind to the rows that may
match, whatever the term's length or script, and LIKE checks only those (`_page`: the newest
rows are checked by LIKE first, so a common term stops there). Per kind, the newest rows
first (by id), one page plus one (to know there is more) fetched in SQL; the pages are
merged by date. A bounded number of queries, however many rows: the index refresh (SQLite),
the reader's membership, the schedule and the cases they wrote on (for which homework they
may read), then talks, cases and homework.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import and_, or_

from markupsafe import Markup, escape
from peewee import SQL, NodeList, Value, fn

from learnclub.db import is_sqlite
from learnclub.domain.cohorts import access
from learnclub.domain.homework.queries import readable_submissions
from learnclub.domain.search import grams
from learnclub.models import Case, Submission, Talk, User

QUERY_MAX = 100
RECENT = 1000  #: the newest rows of a table searched by LIKE alone, before the index
SNIPPET_CONTEXT = 40  #: characters of text shown on each side of the first match


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
    more: bool = False  #: there are more matches than the page shows


def _like(column, term):
    """`column` contains `term`, ignoring case: LIKE on SQLite (which ignores ASCII case),
    ILIKE on PostgreSQL, unless the term has no letters with a case (Chinese, digits): then
    LIKE says the same, and it is several times cheaper than ILIKE on Chinese text."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    caseless = term.lower() == term == term.upper()
    return NodeList((column, SQL("LIKE" if is_sqlite() or caseless else "ILIKE"),
                     Value(f"%{escaped}%"), SQL("ESCAPE '\\'")))


def _page(query, kind, model, columns, terms, limit):
    """Up to `limit` rows of `query` (on `model`) in which every term occurs in one of the
    columns, newest (highest id) first. First the newest RECENT rows of the table by LIKE
    alone: a common term fills the page there, without the index building its every match;
    only if not, the older rows through the index's candidates. One or two queries."""
    like = reduce(and_, [reduce(or_, (_like(c, t) for c in columns)) for t in terms])
    newest = model.alias()
    edge = newest.select(fn.COALESCE(fn.MAX(newest.id), 0) - RECENT)
    rows = list(query.where((model.id > edge) & like).order_by(model.id.desc()).limit(limit))
    if len(rows) < limit:
        narrowed = grams.candidates(kind, model, terms)
        older = (model.id <= edge) & like
        older = older if narrowed is None else older & narrowed
        rows.extend(query.where(older).order_by(model.id.desc()).limit(limit - len(rows)))
    return rows


#: Markdown syntax a snippet leaves out, in order: (pattern, what stays)
_MARKDOWN = [(re.compile(p, re.MULTILINE), r) for p, r in (
    (r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", ""),  # a table's rule row
    (r"^\s*(```|~~~).*$", ""),                                  # code fences
    (r"^\s*([-*_]\s*){3,}$", ""),                               # horizontal rules
    (r"^\s{0,3}#{1,6}\s+", ""), (r"^\s*>\s?", ""),               # headings, quotes
    (r"^\s*([-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?", ""),              # list items, tasks
    (r"!?\[([^\]]*)\]\([^)]*\)", r"\1"),                          # links, images: their words
    (r"\*\*|__|~~|[*`]", ""), (r"\|", " "),                     # emphasis, code, cells
    (r"\s+", " "))]


def plain_text(markdown_text):
    """Markdown as the words a reader sees, on one line: no table rules, pipes, stars,
    heading marks or link targets (text in angle brackets stays: pages show it as typed)."""
    for pattern, kept in _MARKDOWN:
        markdown_text = pattern.sub(kept, markdown_text)
    return markdown_text.strip()


def snippet(text, terms, context=SNIPPET_CONTEXT):
    """The text around the first match, as plain words (`plain_text`), escaped, with <mark>
    around every match in it."""
    text = plain_text(text or "")
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
    talks = _page(Talk.select().where((Talk.cohort == cohort)
                                      & Talk.published_at.is_null(False)),
                  "talk", Talk, [Talk.topic, Talk.transcript_md], terms, limit)
    return [SearchResult("talk", t.topic, {"number": t.number},
                         snippet(t.transcript_md or t.topic, terms), t.published_at)
            for t in talks]


def _cases(cohort, terms, now, limit):
    cases = _page(Case.published(cohort, now), "case", Case, [Case.title, Case.body_md],
                  terms, limit)
    return [SearchResult("case", c.title, {"case_id": c.id},
                         snippet(c.body_md or c.title, terms), c.publish_at) for c in cases]


def _homework(cohort, terms, reader, membership, now, limit):
    """Homework the reader may read (homework.queries.readable_submissions, the case page's
    rule) on cases that are out; only the columns a result shows are read (not the
    submission's HTML, the case's text or the author's profile)."""
    rows = _page(readable_submissions(cohort, reader, now=now, membership=membership)
                 .select(*_HOMEWORK_SHOWN).where(Case.is_out(now)), "submission", Submission,
                 [Submission.body_md], terms, limit)
    return [SearchResult("homework", s.case.title,
                         {"case_id": s.case_id, "submission_id": s.id},
                         snippet(s.body_md, terms), s.updated_at, author=s.user.display_name)
            for s in rows]


#: what a homework result shows: its case's title, its text, date and author's name
_HOMEWORK_SHOWN = (Submission.id, Submission.case, Submission.user, Submission.body_md,
                   Submission.updated_at, Case.id, Case.title, User.id, User.display_name)


def search(cohort, query, *, reader, now, limit=30):
    """What the reader may find for `query` in the cohort: visitors and outsiders the archive
    only, members cases and the homework they may read too. Newest first, one page of
    `limit`; no side effects but bringing the index up to date (grams.refresh)."""
    query = " ".join((query or "").replace("\x00", "").split())  # no database takes NUL
    found = SearchResults(query[:QUERY_MAX].strip(), truncated=len(query) > QUERY_MAX)
    terms = list(dict.fromkeys(found.query.split()))
    if not terms:
        return found
    grams.refresh()
    membership = access.membership_of(reader, cohort)
    results = _talks(cohort, terms, limit + 1)
    if access.can(reader, "view_cohort_pages", cohort, membership):
        results += _cases(cohort, terms, now, limit + 1)
        results += _homework(cohort, terms, reader, membership, now, limit + 1)
    results.sort(key=lambda r: r.date or now, reverse=True)
    found.results, found.more = results[:limit], len(results) > limit
    return found
