"""Recording deposits (押金) as staff received them, correcting them and marking refunds paid
(docs/rules.md "Deposit"). learnclub moves no money: these are staff's records, each change
logged in the cohort log with who made it. Who earns the refund is deposit.py."""
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, NotFound, untranslated
from learnclub.domain.participation.deposit import TO_REFUND, deposit_standing
from learnclub.domain.text import check_text
from learnclub.models import Membership
from learnclub.models.cohorts import Role
from learnclub.models.deposits import Deposit, DepositMethod

MAX_FEN = 100_000 * 100  #: 100,000 yuan, the most a deposit may be
NOTE_MAX = 1000
#: how a deposit was paid, as stored (the API document lists them)
METHODS = tuple(m.value for m in DepositMethod)
METHOD_OTHER_MAX = 100
_YUAN = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def parse_yuan(text, *, field, tr=untranslated):
    """"199" or "199.50" (yuan; "¥" and spaces allowed) -> fen as an int, 0 to MAX_FEN.
    DomainError naming `field` for anything else."""
    cleaned = str(text or "").strip().lstrip("¥￥").strip().replace(",", "")
    if not _YUAN.match(cleaned):
        raise DomainError(tr("Enter an amount in yuan from 0 to 100000, e.g. 199 or 199.50."),
                          field=field)
    try:
        fen = int(Decimal(cleaned) * 100)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise DomainError(tr("Enter an amount in yuan from 0 to 100000, e.g. 199 or 199.50."),
                          field=field) from exc
    check_fen(fen, field=field, tr=tr)
    return fen


def check_fen(fen, *, field, tr=untranslated):
    """An amount in fen from 0 to MAX_FEN, or DomainError naming `field`."""
    if not isinstance(fen, int) or isinstance(fen, bool) or not 0 <= fen <= MAX_FEN:
        raise DomainError(tr("Enter an amount in yuan from 0 to 100000, e.g. 199 or 199.50."),
                          field=field)
    return fen


def yuan(fen):
    """Fen in yuan as people write it: "199", "199.50"."""
    whole, cents = divmod(int(fen or 0), 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)


def learner_membership(cohort, membership_id, *, tr=untranslated):
    """The cohort's learner membership (active or removed) with this id, or NotFound."""
    membership = Membership.get_or_none(
        (Membership.id == membership_id) & (Membership.cohort == cohort)
        & (Membership.role == Role.LEARNER)) if 0 < int(membership_id) < 2**31 else None
    if membership is None:
        raise NotFound(tr("No such learner in this cohort."))
    return membership


def _checked(values, cohort, now, tr):
    """The deposit's fields from `values` (amount_fen, received_on, method, method_other,
    note), checked; DomainError naming the first at fault."""
    check_fen(values.get("amount_fen"), field="amount", tr=tr)
    received = values.get("received_on")
    today = now.astimezone(ZoneInfo(cohort.timezone)).date()
    if not isinstance(received, date) or not date(2000, 1, 1) <= received <= today:
        raise DomainError(tr("Enter the day it was received: not after today."),
                          field="received_on")
    if values.get("method") not in tuple(DepositMethod):
        raise DomainError(tr("Choose how it was paid."), field="method")
    other = values.get("method_other") or ""
    if values["method"] == DepositMethod.OTHER:  # kept as typed; blank is no method
        check_text(other, field="method_other", label=tr("Other method"), required=True,
                   max_length=METHOD_OTHER_MAX, tr=tr)
    else:
        other = ""
    note = check_text(values.get("note") or "", field="note", label=tr("Note"),
                      max_length=NOTE_MAX, tr=tr)
    return {"amount_fen": values["amount_fen"], "received_on": received,
            "method": str(values["method"]), "method_other": other, "note": note}


def record_deposit(cohort, membership, values, *, actor, now, tr=untranslated):
    """Record the member's deposit as received, or correct the one recorded; logs what
    changed (DEPOSIT_RECORDED or DEPOSIT_CORRECTED). Returns the changed fields ([] if
    none). DomainError for a bad value, Conflict once the refund is marked paid."""
    fields = _checked(values, cohort, now, tr)
    with write_transaction():
        deposit = lock_row(Deposit.select().where(
            (Deposit.cohort == cohort) & (Deposit.user == membership.user_id))).first()
        if deposit is not None and deposit.refunded_at is not None:
            raise Conflict(tr("The refund is marked paid; this deposit can no longer be "
                              "changed."))
        if deposit is None:
            try:
                Deposit.create(cohort=cohort, user=membership.user_id, recorded_by=actor,
                               recorded_at=now, updated_at=now, **fields)
            except IntegrityError as exc:
                raise Conflict(tr("Someone recorded this deposit just now; reload and check."),
                               ) from exc
            record(cohort, Action.DEPOSIT_RECORDED, actor=actor, now=now,
                   subject=membership.user_id, changes=_logged(fields))
            return list(fields)
        changes = {k: [getattr(deposit, k), v] for k, v in fields.items()
                   if getattr(deposit, k) != v}
        if changes:
            Deposit.update(updated_at=now, recorded_by=actor, **fields).where(
                Deposit.id == deposit.id).execute()
            record(cohort, Action.DEPOSIT_CORRECTED, actor=actor, now=now,
                   subject=membership.user_id, changes=_logged(changes))
        return list(changes)


def _logged(changes):
    """The log's copy: the note is named, not copied (it may be long)."""
    return {k: (None if k == "note" else v) for k, v in changes.items()}


def mark_refunded(cohort, membership, *, actor, now, tr=untranslated):
    """Mark the member's refund paid (learnclub pays nothing): only a deposit the rule says is
    to be refunded (earned or refundable). Logs DEPOSIT_REFUNDED. Returns the Deposit."""
    with write_transaction():
        standing = deposit_standing(cohort, membership, now)
        if standing.state not in TO_REFUND:
            raise Conflict(tr("Only a deposit that is to be refunded can be marked paid back."))
        deposit = standing.deposit
        updated = Deposit.update(refunded_at=now, refunded_by=actor).where(
            (Deposit.id == deposit.id) & Deposit.refunded_at.is_null()).execute()
        if updated:
            record(cohort, Action.DEPOSIT_REFUNDED, actor=actor, now=now,
                   subject=membership.user_id, changes={"amount_fen": deposit.amount_fen})
    return deposit
