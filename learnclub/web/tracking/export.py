"""The participation matrix as CSV for Excel: UTF-8 with a BOM (so Chinese opens correctly),
and no cell that a spreadsheet would run as a formula."""
import csv
import io
from zoneinfo import ZoneInfo

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COUNTS = ("submitted", "late", "missed", "excused")


def safe_cell(value):
    """A text cell that cannot start a formula (OWASP CSV injection): quote-prefixed."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def matrix_csv(matrix, timezone):
    """Header: name, email, joined, one column per case title, then the counts."""
    zone = ZoneInfo(timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(v) for v in
                     ("name", "email", "joined", *(s.case.title for s in matrix.slots),
                      *COUNTS)])
    for row in matrix.rows:
        states = ["" if c.state == "not_member" else c.state for c in row.cells]
        counts = (row.submitted, row.counts["late"], row.counts["missed"],
                  row.counts["excused"])
        writer.writerow([safe_cell(row.user.display_name), safe_cell(row.user.email),
                         row.membership.joined_at.astimezone(zone).date().isoformat(),
                         *states, *counts])
    return BOM + out.getvalue()
