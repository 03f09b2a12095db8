"""The month grid of the calendar page: presentation only (which day each week falls on)."""
import calendar
from dataclasses import dataclass


@dataclass
class Month:
    year: int
    month: int
    rows: list  #: weeks of (date, [CalendarWeek …], in this month?) cells, Monday first


def month_grid(weeks):
    """The months the weeks span, each as rows of seven days with that day's sessions."""
    if not weeks:
        return []
    by_day = {}
    for week in weeks:
        by_day.setdefault(week.local_start.date(), []).append(week)
    first, last = weeks[0].local_start.date(), weeks[-1].local_start.date()
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        rows = [[(day, by_day.get(day, []), day.month == month) for day in row]
                for row in calendar.Calendar().monthdatescalendar(year, month)]
        months.append(Month(year, month, rows))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
