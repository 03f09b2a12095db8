"""A deposit's standing in the reader's words: the staff's state names and the line a member
reads on their own pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learnclub.domain.participation.deposit import DepositState
from learnclub.domain.participation.deposit_records import yuan

STATE_WORDS = {
    DepositState.NOT_RECEIVED: _l("not received"),
    DepositState.ON_TRACK: _l("on track"),
    DepositState.AT_RISK: _l("at risk"),
    DepositState.EARNED: _l("earned: to refund"),
    DepositState.FORFEITED: _l("forfeited"),
    DepositState.REFUNDABLE: _l("refundable (left the cohort)"),
    DepositState.REFUNDED: _l("refunded"),
}

METHOD_WORDS = {"wechat": _l("WeChat transfer"), "alipay": _l("Alipay"), "cash": _l("Cash"),
                "other": _l("Other")}


def method_words(deposit):
    """How it was paid, in words ("Other" gives what staff wrote)."""
    if deposit.method == "other":
        return deposit.method_other
    return str(METHOD_WORDS.get(deposit.method, deposit.method))


def money(fen, currency):
    return f"{yuan(fen)} {currency}"


def member_line(cohort, standing, *, removed=False):
    """What a member reads of their own deposit, as it stands now (`removed`: they are no
    longer a member)."""
    s, figures = standing.state, {"on_time": standing.on_time, "counted": standing.counted,
                                  "percent": standing.percent}
    if s == DepositState.NOT_RECEIVED:
        return _("Deposit %(amount)s: not recorded as received yet.",
                 amount=money(cohort.deposit_fen, cohort.deposit_currency))
    if s == DepositState.ON_TRACK and not standing.counted:
        return _("At your current pace, your deposit is refundable: no case has counted yet; "
                 "on time for ≥ %(percent)d%% of them is needed.", **figures)
    if s == DepositState.ON_TRACK:
        return _("At your current pace, your deposit is refundable: on time %(on_time)d/"
                 "%(counted)d, ≥ %(percent)d%% needed.", **figures)
    if s == DepositState.AT_RISK:
        return _("At your current pace, your deposit is not refundable: on time %(on_time)d/"
                 "%(counted)d, ≥ %(percent)d%% needed.", **figures)
    if s == DepositState.EARNED:
        return _("You earned your deposit back: on time %(on_time)d/%(counted)d (≥ "
                 "%(percent)d%% needed). Your host will refund it.", **figures)
    if s == DepositState.REFUNDABLE:
        return _("You left the cohort; under its rule your deposit is refunded.")
    if s == DepositState.REFUNDED:
        return _("Your deposit has been refunded.")
    if removed:
        return _("You left the cohort; under its rule the deposit is not refunded.")
    return _("Your deposit is not refunded: on time %(on_time)d/%(counted)d, ≥ %(percent)d%% "
             "needed.", **figures)


def member_deposit(cohort, membership, now):
    """{deposit_line, deposit_state} for a member's own page: their deposit in words, or
    nothing if they are no learner or the cohort asks none and none is recorded."""
    from learnclub.domain.participation.deposit import own_standing
    standing = own_standing(cohort, membership, now)
    if standing is None:
        return {"deposit_line": "", "deposit_state": ""}
    return {"deposit_line": member_line(cohort, standing,
                                        removed=membership.status == "removed"),
            "deposit_state": str(standing.state)}
