"""Screening many applications at once (issue 18, point 1): the review list's filters, sort
and pages, and deciding a batch of applications with one message.

Every question "which applications does the reviewer see, in what order" is answered here;
the review page only parses the address into `Screen` and renders `screen_page`.
A page costs a fixed number of queries whatever the number of applications.
"""
import unicodedata
from dataclasses import dataclass

from peewee import fn

from learnclub.db import write_transaction
from learnclub.domain.accounts.introductions import check_tags, normalise_tag
from learnclub.domain.cohorts import admission, answer_filters, questions
from learnclub.domain.errors import DomainError, untranslated
from learnclub.models import Application, ApplicationTag, User

STATUSES = ("submitted", "waitlisted", "admitted", "rejected")
#: sort key -> ORDER BY (the id breaks ties so pages never overlap)
SORTS = {
    "date": (Application.created_at, Application.id),
    "-date": (Application.created_at.desc(), Application.id.desc()),
    "name": (User.display_name, Application.id),
    # unscored last: a NULL score counts as 0
    "score": (fn.COALESCE(Application.score, 0).desc(), Application.created_at,
              Application.id),
}
#: the score filter: "n" = scored n or more, "none" = not scored yet
SCORE_FILTERS = ("1", "2", "3", "4", "5", "none")
PER_PAGE = 50
#: a filter value longer than this is cut (nobody types 200 characters into a filter)
MAX_FILTER = 200
MAX_BATCH = 500


@dataclass(frozen=True)
class Screen:
    """What the reviewer asked to see; made only by `parse`, so always valid."""

    status: str = "submitted"
    city: str = ""
    industry: str = ""
    q: str = ""
    tag: str = ""
    score: str = ""
    sort: str = "date"
    page: int = 1
    #: ((question id, option), …): applications whose answer to the question includes it
    answers: tuple = ()

    def args(self, **changes):
        """The address arguments for this screen with `changes`, defaults left out (the
        answer filters as "a<question id>")."""
        values = {**self.__dict__, **changes}
        default = Screen()
        found = {k: v for k, v in values.items()
                 if k != "answers" and v != getattr(default, k)}
        found.update((f"a{question_id}", option) for question_id, option in values["answers"])
        return found

    def option(self, question_id):
        """The option the answers to this question are filtered by, or ""."""
        return dict(self.answers).get(question_id, "")


def _clean(value):
    """A filter value: text without control characters (NUL among them) or lone surrogates,
    trimmed and cut to MAX_FILTER."""
    text = "".join(ch for ch in str(value or "")
                   if unicodedata.category(ch) not in ("Cc", "Cs"))
    return text.strip()[:MAX_FILTER]


def parse(args):
    """The screen a mapping of address arguments asks for. Unknown or broken values are
    ignored (the default is used): a filter never fails."""
    status = args.get("status", "submitted")
    sort = args.get("sort", "date")
    score = args.get("score", "")
    try:
        page = int(str(args.get("page", "1"))[:9])
    except ValueError:
        page = 1
    return Screen(status=status if status in STATUSES else "submitted",
                  city=_clean(args.get("city")), industry=_clean(args.get("industry")),
                  q=_clean(args.get("q")), tag=normalise_tag(_clean(args.get("tag"))),
                  score=score if score in SCORE_FILTERS else "",
                  sort=sort if sort in SORTS else "date",
                  page=max(page, 1), answers=answer_filters.parse_filters(args, clean=_clean))


def _filtered(cohort, screen, asked):
    """The applications `screen` asks for; `asked` are the cohort's questions (a filter on
    an answer counts only for one of its live choice questions)."""
    query = (Application.select(Application, User).join(User, on=Application.user)
             .where((Application.cohort == cohort) & (Application.status == screen.status)))
    if screen.city:
        query = query.where(fn.TRIM(User.city) == screen.city)
    if screen.industry:
        query = query.where(fn.TRIM(User.industry) == screen.industry)
    if screen.q:  # contains() escapes % and _ and ignores case
        query = query.where(User.display_name.contains(screen.q)
                            | Application.motivation.contains(screen.q)
                            | Application.background.contains(screen.q)
                            | Application.id.in_(answer_filters.answered_with(cohort, screen.q)))
    if screen.tag:
        query = query.where(Application.id.in_(
            ApplicationTag.select(ApplicationTag.application)
            .where(ApplicationTag.tag == screen.tag)))
    for chosen in answer_filters.choosing(asked, screen.answers):
        query = query.where(Application.id.in_(chosen))
    if screen.score == "none":
        query = query.where(Application.score.is_null())
    elif screen.score:
        query = query.where(Application.score >= int(screen.score))
    return query


@dataclass
class ScreenPage:
    rows: list        #: the applications on this page, each with .user
    total: int        #: how many match the filters
    page: int         #: the page shown (a page past the end shows the last one)
    pages: int
    counts: dict      #: {status: applications in it}, filters aside
    cities: list      #: the cities (and industries) applicants in this state give
    industries: list
    tags: dict        #: {application id: [its tags]} for the rows
    all_tags: list    #: every tag used in the cohort, for the filter
    questions: list   #: the cohort's own questions, removed ones too, in order
    answers: dict     #: {application id: {question id: [values]}} for the rows

    @property
    def choice_questions(self):
        """The live choice questions: one filter each."""
        return [q for q in self.questions
                if q.kind in questions.CHOICE_KINDS and q.removed_at is None]


def screen_page(cohort, screen):
    """The page of applications `screen` asks for: 8 queries, however many there are."""
    asked = questions.all_questions(cohort)
    query = _filtered(cohort, screen, asked)
    total = query.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(screen.page, pages)
    rows = list(query.order_by(*SORTS[screen.sort]).paginate(page, PER_PAGE))
    counts = dict(Application.select(Application.status, fn.COUNT(Application.id))
                  .where(Application.cohort == cohort).group_by(Application.status).tuples())
    facets = (User.select(User.city, User.industry).distinct()
              .join(Application, on=(Application.user == User.id))
              .where((Application.cohort == cohort) & (Application.status == screen.status))
              .tuples())
    cities, industries = set(), set()
    for city, industry in facets:
        cities.add(city.strip())
        industries.add(industry.strip())
    tags = {}  # (queried even for an empty page, so the count never varies)
    for application_id, tag in (ApplicationTag
                                .select(ApplicationTag.application, ApplicationTag.tag)
                                .where(ApplicationTag.application.in_([a.id for a in rows]))
                                .order_by(ApplicationTag.tag).tuples()):
        tags.setdefault(application_id, []).append(tag)
    all_tags = [tag for (tag,) in ApplicationTag.select(ApplicationTag.tag).distinct()
                .join(Application).where(Application.cohort == cohort)
                .order_by(ApplicationTag.tag).tuples()]
    return ScreenPage(rows=rows, total=total, page=page, pages=pages, counts=counts,
                      cities=sorted(c for c in cities if c),
                      industries=sorted(i for i in industries if i), tags=tags,
                      all_tags=all_tags, questions=asked,
                      answers=questions.answers_of(a.id for a in rows))


def check_score(value, *, tr=untranslated):
    """A score as typed: "" is none (None), else a whole number from 1 to 5."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 5):
        raise DomainError(tr("A score is a whole number from 1 to 5, or empty."),
                          field="score")
    return int(text)


def mark(application, *, score, tags, tr=untranslated):
    """Staff's score (1-5 or "") and tags (as typed, comma-separated) for an application:
    both checked before either is saved, then saved together. Returns the tags."""
    score = check_score(score, tr=tr)
    tags = check_tags(tags, field="tags", label=tr("Tags"), tr=tr)
    with write_transaction():
        Application.update(score=score).where(Application.id == application.id).execute()
        ApplicationTag.delete().where(ApplicationTag.application == application.id).execute()
        if tags:
            ApplicationTag.insert_many([{"application": application.id, "tag": tag}
                                        for tag in tags]).execute()
    return tags


def tags_of(application):
    """The application's tags, in order: one query."""
    return [tag for (tag,) in ApplicationTag.select(ApplicationTag.tag)
            .where(ApplicationTag.application == application.id)
            .order_by(ApplicationTag.tag).tuples()]


def decide_many(cohort, application_ids, decision, *, actor, now, message="", link="",
                tr=untranslated):
    """Decide a batch of the cohort's applications with one message.

    Each application is decided in its own transaction by admission.decide_application
    (so the seats are counted under the cohort's lock, one admission at a time): a full
    cohort or an application decided meanwhile stops that one, never the others. An
    admission refused for lack of seats puts the applicant on the waitlist instead (when
    the cohort keeps one and the application may go there). Applications are decided in
    the order of `application_ids` (the review page sends them in its shown order).

    Returns {"done": n, "waitlisted_full": n, "full": n, "skipped": n}: decided as asked;
    put on the waitlist for lack of seats; left as they were for lack of seats; not
    decided (not this cohort's, or no longer waiting for this decision)."""
    if decision not in ("admitted", "rejected", "waitlisted"):
        raise DomainError(tr("Unknown decision."))
    ids = _distinct_ids(application_ids)
    if not ids:
        raise DomainError(tr("Select at least one application."), field="selected")
    if len(ids) > MAX_BATCH:
        raise DomainError(tr("Select at most %(n)d applications at once.") % {"n": MAX_BATCH},
                          field="selected")
    # the message is checked once, before anyone is decided
    admission.check_decision_message(message, tr=tr)
    found = {a.id: a for a in Application.select().where((Application.cohort == cohort)
                                                         & Application.id.in_(ids))}
    # in the order given (the page's order, as the reviewer sorted it): when the seats run
    # out, the ones shown first were admitted
    applications = [found[i] for i in ids if i in found]
    report = {"done": 0, "waitlisted_full": 0, "full": 0,
              "skipped": len(ids) - len(applications)}
    for application in applications:
        try:
            admission.decide_application(application, decision, actor=actor, now=now,
                                         message=message, link=link, tr=tr)
        except DomainError:
            report[_after_refusal(cohort, application, actor=actor, now=now, link=link,
                                  tr=tr) if decision == "admitted" else "skipped"] += 1
        else:
            report["done"] += 1
    return report


def _distinct_ids(raw_ids):
    """The whole numbers among what the form sent, each once, in the order sent."""
    ids = []
    for raw in raw_ids:
        try:
            value = int(str(raw)[:12])
        except ValueError:
            continue
        if value not in ids:
            ids.append(value)
    return ids


def _after_refusal(cohort, application, *, actor, now, link, tr):
    """An admission was refused: if for lack of seats, a waiting applicant goes on the
    waitlist (with the standard waitlist mail, not the admission message). Returns the
    report key."""
    if admission.free_seats(cohort, now=now) > 0:
        return "skipped"  # decided meanwhile, or already a member
    if application.status != "submitted" or not cohort.waitlist_enabled:
        return "full"
    try:
        admission.decide_application(application, "waitlisted", actor=actor, now=now,
                                     link=link, tr=tr)
    except DomainError:
        return "skipped"
    return "waitlisted_full"
