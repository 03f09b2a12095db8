"""The refund list as CSV for Excel (docs/rules.md "Deposit"): headers and outcomes in the
reader's language, amounts in yuan, and no cell a spreadsheet would run as a formula."""
import csv
import io

from flask_babel import gettext as _

from learnclub.domain.participation.deposit_records import yuan
from learnclub.web.deposits.words import STATE_WORDS
from learnclub.web.tracking.export import BOM, safe_cell


def refund_csv(book, currency):
    """Name, amount, received date, on-time ratio, outcome: one row per learner."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(v) for v in (
        _("Full name"), _("Amount (%(currency)s)", currency=currency), _("Received on"),
        _("On time"), _("Outcome"))])
    for row in book.rows:
        s, deposit = row.standing, row.standing.deposit
        writer.writerow([
            safe_cell(row.user.display_name),
            yuan(s.amount_fen) if deposit is not None else "",
            deposit.received_on.isoformat() if deposit is not None else "",
            f"{s.on_time}/{s.counted}",
            safe_cell(str(STATE_WORDS[s.state]))])
    return BOM + out.getvalue()
