"""Applying to a cohort and reviewing applications."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access, admission, questions, screening
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.web.admission import bp
from learnclub.web.admission.forms import (
    KIND_LABELS,
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    MarkForm,
    QuestionForm,
)
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr

STATUSES = screening.STATUSES


@bp.route("/c/<slug>/apply", methods=["GET", "POST"])
@login_required
def apply(slug):
    cohort = cohort_or_404(slug)
    if not cohort.is_public or cohort.admission != "application":
        abort(404)
    existing = cohort_queries.application_of(cohort, current_user)
    form = ApplicationForm(obj=existing)
    asked = questions.live_questions(cohort)
    if request.method == "POST":  # what was sent, kept as typed when it is refused
        answers = {questions.field_name(q): request.form.getlist(questions.field_name(q))
                   for q in asked}
    else:
        answers = questions.form_values(existing)
    answer_errors = {}
    if form.validate_on_submit():
        try:
            admission.submit_application(cohort, current_user, motivation=form.motivation.data,
                                         background=form.background.data, now=clock.now(),
                                         answers=answers, tr=tr)
        except DomainError as exc:
            _show_answer_error(form, exc, answer_errors)
            if not (exc.field or "").startswith("answer-"):
                try:  # the fixed fields were refused first: say what is wrong below too
                    questions.check_answers(asked, answers, tr=tr)
                except DomainError as below:
                    _show_answer_error(form, below, answer_errors)
        else:
            flash(_("Application sent. The host will review it; you will get a mail."),
                  "success")
            return redirect(url_for("cohorts.page", slug=slug))
    return render_template("admission/apply.html", cohort=cohort, form=form,
                           existing=existing, questions=asked, answers=answers,
                           answer_errors=answer_errors)


def _show_answer_error(form, exc, answer_errors):
    """A refusal under the question it names (the cohort's own questions are not WTForms
    fields), else under the fixed field or the form."""
    if (exc.field or "").startswith("answer-"):
        answer_errors[exc.field] = exc.message
    else:
        show_error(form, exc)


@bp.get("/c/<slug>/applications")
@login_required
def review(slug):
    """A compact card per application, filtered, sorted and paged (domain: screening)."""
    cohort = cohort_for(slug, "review_applications")
    screen = screening.parse(request.args)
    found = screening.screen_page(cohort, screen)
    return render_template("admission/review.html", cohort=cohort, screen=screen, found=found,
                           rows=found.rows, status=screen.status, statuses=STATUSES,
                           counts=found.counts, form=DecisionForm(), bulk=BulkDecisionForm(),
                           mark=MarkForm(), sorts=tuple(screening.SORTS),
                           seats_taken=admission.seats_taken(cohort),
                           can_edit_questions=access.can(current_user, "edit_cohort", cohort))


def _back(slug, anchor=None):
    """Back to the review page as it was (its filters ride on the form's address)."""
    screen = screening.parse(request.args)
    return redirect(url_for("admission.review", slug=slug, **screen.args(),
                            _anchor=anchor))


@bp.post("/c/<slug>/applications/decide")
@login_required
def decide_many(slug):
    """Admit, waitlist or decline the selected applications with one message."""
    cohort = cohort_for(slug, "review_applications")
    decision = request.form.get("decision", "")
    form = BulkDecisionForm()
    if decision not in ("admitted", "rejected", "waitlisted"):
        flash(_("Choose admit, waitlist or decline."), "error")
    elif form.validate_on_submit():
        try:
            report = screening.decide_many(
                cohort, request.form.getlist("selected"), decision, actor=current_user,
                now=clock.now(), message=form.message.data or "",
                link=f"{base_url()}/c/{slug}/", tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_report(decision, report), "success" if report["done"] else "error")
    return _back(slug)


def _report(decision, report):
    """The bulk decision in words: "Admitted 12. 3 put on the waitlist: the cohort is full."""
    done = {"admitted": _("Admitted %(n)d.", n=report["done"]),
            "waitlisted": _("Put %(n)d on the waitlist.", n=report["done"]),
            "rejected": _("Declined %(n)d.", n=report["done"])}[decision]
    parts = [done]
    if report["waitlisted_full"]:
        parts.append(_("%(n)d put on the waitlist because the cohort is full.",
                       n=report["waitlisted_full"]))
    if report["full"]:
        parts.append(_("%(n)d not admitted: the cohort is full.", n=report["full"]))
    if report["skipped"]:
        parts.append(_("%(n)d skipped: already decided or not in this cohort.",
                       n=report["skipped"]))
    return " ".join(parts)


@bp.post("/c/<slug>/applications/<int:application_id>/mark")
@login_required
def mark(slug, application_id):
    """Staff's score (1-5) and tags on one application."""
    cohort = cohort_for(slug, "review_applications")
    application = cohort_queries.application_in(cohort, application_id)
    if application is None:
        abort(404)
    if MarkForm().validate_on_submit():
        try:
            screening.mark(application, score=request.form.get("score", ""),
                           tags=request.form.get("tags", ""), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Saved the score and tags of %(name)s.",
                    name=application.user.display_name), "success")
    return _back(slug, anchor=f"a{application_id}")


@bp.post("/c/<slug>/applications/<int:application_id>/<decision>")
@login_required
def decide(slug, application_id, decision):
    cohort = cohort_for(slug, "review_applications")
    application = cohort_queries.application_in(cohort, application_id)
    if application is None or decision not in ("admitted", "rejected", "waitlisted"):
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            admission.decide_application(application, decision, actor=current_user,
                                         now=clock.now(), message=form.message.data or "",
                                         link=f"{base_url()}/c/{slug}/", tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            labels = {"admitted": _("Admitted %(name)s.", name=application.user.display_name),
                      "rejected": _("Declined %(name)s.", name=application.user.display_name),
                      "waitlisted": _("%(name)s is on the waitlist.",
                                      name=application.user.display_name)}
            flash(labels[decision], "success")
    return _back(slug, anchor=None)


@bp.route("/c/<slug>/applications/questions", methods=["GET", "POST"])
@login_required
def questions_page(slug):
    """The cohort's own application questions: the list (move, remove, edit) and a form to
    add one (domain: questions)."""
    cohort = cohort_for(slug, "edit_cohort")
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.add_question(cohort, kind=form.kind.data, prompt=form.prompt.data,
                                   choices=form.choices.data, required=form.required.data,
                                   now=clock.now(), actor=current_user, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Question added to the application form."), "success")
            return redirect(url_for("admission.questions_page", slug=slug))
    asked = questions.all_questions(cohort)
    return render_template("admission/questions.html", cohort=cohort, form=form,
                           live=[q for q in asked if q.removed_at is None],
                           removed=[q for q in asked if q.removed_at is not None],
                           answered=questions.answer_counts(cohort), kinds=KIND_LABELS,
                           max_questions=questions.MAX_QUESTIONS)


def _question_or_404(cohort, question_id):
    question = questions.question_in(cohort, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/c/<slug>/applications/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(slug, question_id):
    """Change a question's wording, options or whether it is required."""
    cohort = cohort_for(slug, "edit_cohort")
    question = _question_or_404(cohort, question_id)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        try:
            changed = questions.edit_question(question, prompt=form.prompt.data,
                                              choices=form.choices.data,
                                              required=form.required.data,
                                              now=clock.now(), actor=current_user, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Question saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admission.questions_page", slug=slug,
                                    _anchor=f"q{question.id}"))
    answered = questions.answer_counts(cohort).get(question.id, 0)
    return render_template("admission/question_edit.html", cohort=cohort, form=form,
                           question=question, kinds=KIND_LABELS, answered=answered)


@bp.post("/c/<slug>/applications/questions/<int:question_id>/move")
@login_required
def move_question(slug, question_id):
    cohort = cohort_for(slug, "edit_cohort")
    question = _question_or_404(cohort, question_id)
    if QuestionForm().validate_on_submit():
        try:
            questions.move_question(question, request.form.get("direction", ""), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
    return redirect(url_for("admission.questions_page", slug=slug, _anchor=f"q{question.id}"))


@bp.post("/c/<slug>/applications/questions/<int:question_id>/remove")
@login_required
def remove_question(slug, question_id):
    cohort = cohort_for(slug, "edit_cohort")
    question = _question_or_404(cohort, question_id)
    if QuestionForm().validate_on_submit():
        if questions.remove_question(question, now=clock.now(),
                                      actor=current_user) == "archived":
            flash(_("Removed “%(prompt)s” from the form. The answers already given are kept "
                    "and still shown on the applications.", prompt=question.prompt), "success")
        else:
            flash(_("Removed “%(prompt)s” from the form.", prompt=question.prompt), "success")
    return redirect(url_for("admission.questions_page", slug=slug))
