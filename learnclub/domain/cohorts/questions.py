"""A cohort's own application questions (issue 18, point 1; docs/rules.md "Screening
applications"): staff add short-text, long-text, single- and multiple-choice questions, asked
on the application form after the two fixed ones; applicants' answers are checked here and
saved with the application.

Every question "which questions are asked, in what order, and is this answer acceptable" is
answered here; the apply form, the questions page and the review page ask.

Answers are stored as text (`ApplicationAnswer.value`): the text typed, or the option chosen,
one row per option of a multiple choice. Changing a question's options later never changes
what an applicant answered: an answer whose option is gone stays, and staff see it marked.
A question that already has answers is never deleted: removing it archives it
(`removed_at`), it is no longer asked, and its answers stay on the applications.
"""
from peewee import fn

from learnclub.db import write_transaction
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, NotFound, untranslated
from learnclub.domain.text import LONG, SHORT, check_text
from learnclub.models import ApplicationAnswer, ApplicationQuestion

KINDS = ("short", "long", "single", "multiple")
CHOICE_KINDS = ("single", "multiple")
#: live questions a cohort may ask at most
MAX_QUESTIONS = 20
#: options of a choice question: at least 2, at most MAX_CHOICES, each at most CHOICE_LENGTH
MAX_CHOICES = 20
CHOICE_LENGTH = 100
#: the longest answer of each text kind (a short one is a line, a long one a letter)
ANSWER_LENGTH = {"short": SHORT, "long": LONG}


def field_name(question):
    """The form field of a question on the application form ("answer-12")."""
    return f"answer-{question.id}"


def _label(question):
    return f"“{question.prompt.strip()}”"


def _no_lone_surrogates(value, *, field, label, tr):
    """Text a database can store: a lone surrogate (only possible outside a browser's form)
    is refused, like a NUL character."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise DomainError(tr("%(label)s contains a character that cannot be stored.")
                          % {"label": label}, field=field)
    return value


def live_questions(cohort):
    """The questions the cohort's application form asks, in order: one query."""
    return list(ApplicationQuestion.select()
                .where((ApplicationQuestion.cohort == cohort)
                       & ApplicationQuestion.removed_at.is_null())
                .order_by(ApplicationQuestion.position, ApplicationQuestion.id))


def all_questions(cohort):
    """Every question the cohort ever asked, removed ones too (their answers are kept), in
    order: one query."""
    return list(ApplicationQuestion.select()
                .where(ApplicationQuestion.cohort == cohort)
                .order_by(ApplicationQuestion.position, ApplicationQuestion.id))


def question_in(cohort, question_id):
    """The cohort's live question with this id, or None."""
    return ApplicationQuestion.get_or_none((ApplicationQuestion.id == question_id)
                                           & (ApplicationQuestion.cohort == cohort)
                                           & ApplicationQuestion.removed_at.is_null())


def answer_counts(cohort):
    """{question id: applications that answered it}: one query."""
    return dict(ApplicationAnswer.select(ApplicationAnswer.question,
                                         fn.COUNT(ApplicationAnswer.application.distinct()))
                .join(ApplicationQuestion)
                .where(ApplicationQuestion.cohort == cohort)
                .group_by(ApplicationAnswer.question).tuples())


# -- staff edit the questions ------------------------------------------------------------

def check_question(*, kind, prompt, choices, required, tr=untranslated):
    """A question as typed, checked: returns {kind, prompt, choices, required} to store, or
    raises DomainError naming the field. The options (one a line) are trimmed, empty lines
    dropped; a text question keeps no options."""
    if kind not in KINDS:
        raise DomainError(tr("Choose the kind of question."), field="kind")
    label = tr("Question")
    prompt = check_text(prompt, field="prompt", label=label, max_length=SHORT, required=True,
                        tr=tr)
    _no_lone_surrogates(prompt, field="prompt", label=label, tr=tr)
    options = []
    if kind in CHOICE_KINDS:
        label = tr("Options")
        text = check_text(choices, field="choices", label=label, max_length=LONG, tr=tr)
        _no_lone_surrogates(text, field="choices", label=label, tr=tr)
        options = [line.strip() for line in text.splitlines() if line.strip()]
        if len(options) < 2:
            raise DomainError(tr("A choice question needs at least 2 options, one a line."),
                              field="choices")
        if len(options) > MAX_CHOICES:
            raise DomainError(tr("A question has at most %(n)d options.") % {"n": MAX_CHOICES},
                              field="choices")
        for option in options:
            if len(option) > CHOICE_LENGTH:
                raise DomainError(
                    tr("An option is at most %(max)d characters long: “%(option)s…”.")
                    % {"max": CHOICE_LENGTH, "option": option[:20]}, field="choices")
        if len(set(options)) < len(options):
            duplicate = next(o for o in options if options.count(o) > 1)
            raise DomainError(tr("The option “%(option)s” is there twice.")
                              % {"option": duplicate}, field="choices")
    return {"kind": kind, "prompt": prompt, "choices": "\n".join(options),
            "required": bool(required)}


def add_question(cohort, *, kind, prompt, choices="", required=False, now, actor=None,
                 tr=untranslated):
    """Add a question at the end of the cohort's form, logged (`actor` None: by the system).
    Returns it."""
    values = check_question(kind=kind, prompt=prompt, choices=choices, required=required,
                            tr=tr)
    with write_transaction():
        if len(live_questions(cohort)) >= MAX_QUESTIONS:
            raise DomainError(tr("A cohort asks at most %(n)d questions of its own.")
                              % {"n": MAX_QUESTIONS})
        last = (ApplicationQuestion.select(ApplicationQuestion.position)
                .where(ApplicationQuestion.cohort == cohort)
                .order_by(ApplicationQuestion.position.desc()).limit(1).scalar())
        question = ApplicationQuestion.create(cohort=cohort, position=(last or 0) + 1,
                                              created_at=now, **values)
        record(cohort, Action.QUESTION_ADDED, actor=actor, now=now, subject=question,
               changes={k: values[k] for k in ("prompt", "choices", "required")})
        return question


def edit_question(question, *, prompt, choices="", required=False, now, actor=None,
                  tr=untranslated):
    """Change a question's wording, options or whether it is required (its kind stays), logged
    with what changed. Answers already given keep their text, even if their option is no
    longer offered."""
    values = check_question(kind=question.kind, prompt=prompt, choices=choices,
                            required=required, tr=tr)
    changed = {k: v for k, v in values.items() if getattr(question, k) != v}
    if changed:
        with write_transaction():
            ApplicationQuestion.update(**changed).where(
                ApplicationQuestion.id == question.id).execute()
            record(question.cohort_id, Action.QUESTION_CHANGED, actor=actor, now=now,
                   subject=question,
                   changes={k: [getattr(question, k), v] for k, v in changed.items()})
        for k, v in changed.items():
            setattr(question, k, v)
    return bool(changed)


def move_question(question, direction, *, tr=untranslated):
    """Swap a live question with its live neighbour above ("up") or below ("down"). Returns
    False when it is already first (or last)."""
    if direction not in ("up", "down"):
        raise DomainError(tr("Move a question up or down."))
    with write_transaction():
        order = live_questions(question.cohort_id)
        ids = [q.id for q in order]
        if question.id not in ids:
            raise NotFound(tr("This question was removed."))
        at = ids.index(question.id)
        other = at - 1 if direction == "up" else at + 1
        if not 0 <= other < len(order):
            return False
        order[at], order[other] = order[other], order[at]
        # renumber the whole list: positions stay distinct even after old ties
        for position, item in enumerate(order, 1):
            if item.position != position:
                ApplicationQuestion.update(position=position).where(
                    ApplicationQuestion.id == item.id).execute()
    return True


def remove_question(question, *, now, actor=None):
    """Stop asking a question, logged. One nobody answered is deleted; one with answers is
    archived (`removed_at`), its answers kept and shown to staff. Returns "deleted" or
    "archived"."""
    with write_transaction():
        record(question.cohort_id, Action.QUESTION_REMOVED, actor=actor, now=now,
               subject=question)
        answered = ApplicationAnswer.select().where(
            ApplicationAnswer.question == question.id).exists()
        if answered:
            ApplicationQuestion.update(removed_at=now).where(
                ApplicationQuestion.id == question.id).execute()
            return "archived"
        ApplicationQuestion.delete().where(ApplicationQuestion.id == question.id).execute()
        return "deleted"


# -- applicants answer -------------------------------------------------------------------

def check_answers(questions, raw, *, tr=untranslated):
    """The answers to `questions` (the live ones, in order) as sent: `raw` maps a question's
    field name (`field_name`) to the list of values sent for it (a form's getlist). Returns
    {question id: [values to store]} (a text answer is one value, stored exactly as typed;
    an unanswered question has []), or raises DomainError naming the first question at
    fault, its field being the question's field name."""
    answers = {}
    for question in questions:
        field = field_name(question)
        sent = raw.get(field) or []
        values = [str(v) for v in ([sent] if isinstance(sent, str) else sent) if v is not None]
        label = _label(question)
        if question.kind in ANSWER_LENGTH:
            value = values[0] if values else ""
            value = check_text(value, field=field, label=label,
                               max_length=ANSWER_LENGTH[question.kind],
                               required=question.required, tr=tr)
            _no_lone_surrogates(value, field=field, label=label, tr=tr)
            answers[question.id] = [value] if value.strip() else []
            continue
        chosen = [v for v in values if v != ""]
        options = question.options
        if any(v not in options for v in chosen):
            raise DomainError(tr("Choose one of the options offered for %(label)s.")
                              % {"label": label}, field=field)
        if question.kind == "single" and len(set(chosen)) > 1:
            raise DomainError(tr("Choose only one option for %(label)s.") % {"label": label},
                              field=field)
        if question.required and not chosen:
            raise DomainError(tr("Choose an answer to %(label)s: it is required.")
                              % {"label": label}, field=field)
        answers[question.id] = [o for o in options if o in chosen]  # in the options' order
    return answers


def save_answers(application, answers):
    """Inside the application's transaction: replace its answers to the questions in
    `answers` (from `check_answers`); answers to removed questions stay."""
    ApplicationAnswer.delete().where(
        (ApplicationAnswer.application == application.id)
        & ApplicationAnswer.question.in_(list(answers))).execute()
    rows = [{"application": application.id, "question": question_id, "value": value}
            for question_id, values in answers.items() for value in values]
    if rows:
        ApplicationAnswer.insert_many(rows).execute()


def answers_of(application_ids):
    """{application id: {question id: [values]}} for these applications: one query (run
    even for none, so a page's count never varies)."""
    found = {}
    for application_id, question_id, value in (
            ApplicationAnswer.select(ApplicationAnswer.application, ApplicationAnswer.question,
                                     ApplicationAnswer.value)
            .where(ApplicationAnswer.application.in_(list(application_ids)))
            .order_by(ApplicationAnswer.id).tuples()):
        found.setdefault(application_id, {}).setdefault(question_id, []).append(value)
    return found


def form_values(application):
    """An application's stored answers as the form sends them: {field name: [values]}."""
    if application is None:
        return {}
    return {f"answer-{question_id}": values
            for question_id, values in answers_of([application.id]).get(application.id,
                                                                        {}).items()}
