"""Deposits (押金): the staff's list with totals and the CSV of refunds, the form that records
or corrects one member's deposit, marking a refund paid (docs/rules.md "Deposit")."""
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError, NotFound
from learnclub.domain.participation import deposit_records as records
from learnclub.domain.participation.deposit import TO_REFUND, deposit_book, deposit_standing
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, show_error, tr
from learnclub.web.deposits import bp
from learnclub.web.deposits.export import refund_csv
from learnclub.web.deposits.forms import DepositForm
from learnclub.web.deposits.words import STATE_WORDS, method_words, money


@bp.get("/c/<slug>/deposits")
@login_required
def page(slug):
    """Every learner's deposit and standing, the totals, the CSV link: fixed queries."""
    cohort = cohort_for(slug, "manage_deposits")
    book = deposit_book(cohort, clock.now())
    return render_template("deposits/page.html", cohort=cohort, book=book,
                           state_words=STATE_WORDS, method_words=method_words, money=money,
                           to_refund=TO_REFUND, refund_form=PlainForm())


@bp.get("/c/<slug>/deposits.csv")
@login_required
def export(slug):
    """The refund list as a spreadsheet."""
    cohort = cohort_for(slug, "manage_deposits")
    body = refund_csv(deposit_book(cohort, clock.now()), cohort.deposit_currency)
    return Response(body.encode("utf-8"), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{cohort.slug}-deposits.csv"',
        "Cache-Control": "no-store"})


def _learner(cohort, membership_id):
    try:
        return records.learner_membership(cohort, membership_id, tr=tr)
    except NotFound:
        abort(404)


@bp.route("/c/<slug>/deposits/<int:membership_id>", methods=["GET", "POST"])
@login_required
def record(slug, membership_id):
    """Record a member's deposit as received, or correct it."""
    cohort = cohort_for(slug, "manage_deposits")
    membership = _learner(cohort, membership_id)
    now = clock.now()
    standing = deposit_standing(cohort, membership, now)
    form = DepositForm(obj=standing.deposit)
    if request.method == "GET":
        _fill(form, cohort, standing.deposit)
    if form.validate_on_submit():
        try:
            changed = records.record_deposit(cohort, membership, form.values(),
                                             actor=current_user, now=now, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Deposit saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("deposits.page", slug=slug))
    return render_template("deposits/record.html", cohort=cohort, membership=membership,
                           standing=standing, form=form, state_words=STATE_WORDS, money=money)


def _fill(form, cohort, deposit):
    """A new record starts with the cohort's amount, today and WeChat."""
    if deposit is None:
        form.amount.data = cohort.deposit_fen
        form.received_on.data = clock.now().astimezone(ZoneInfo(cohort.timezone)).date()
        form.method.data = "wechat"
    else:
        form.amount.data = deposit.amount_fen


@bp.post("/c/<slug>/deposits/<int:membership_id>/refunded")
@login_required
def refunded(slug, membership_id):
    """Mark the member's refund paid (learnclub moves no money)."""
    cohort = cohort_for(slug, "manage_deposits")
    membership = _learner(cohort, membership_id)
    if PlainForm().validate_on_submit():
        try:
            records.mark_refunded(cohort, membership, actor=current_user, now=clock.now(),
                                  tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Refund marked as paid."), "success")
    return redirect(url_for("deposits.page", slug=slug))
