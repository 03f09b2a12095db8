"""Geometry of the participation chart: one bar per case, drawn as inline SVG by the template
(no script, no style attributes: colours come from classes in app.css)."""
from dataclasses import dataclass

STEP = 30  #: px per case; ~11 cases fit a phone, more scroll inside the chart's own box
BAR = 20
LEFT, TOP, PLOT, BOTTOM = 34, 16, 110, 22  #: axis labels left, percent text on top


@dataclass
class Bar:
    rate: object  #: a tracking.Rate
    number: int  #: the case's position in publication order, 1-based
    x: int
    y: float
    height: float
    is_open: bool  #: homework still accepted: the rate may yet rise

    @property
    def centre(self):
        return self.x + BAR / 2


def bar_chart(rates, *, now):
    """Bars, gridlines and the SVG's size for `rates` (oldest case first)."""
    bars = []
    for i, rate in enumerate(rates):
        height = PLOT * rate.percent / 100
        bars.append(Bar(rate, i + 1, LEFT + i * STEP + (STEP - BAR) // 2, TOP + PLOT - height,
                        height, now < rate.slot.grace_until))
    grid = [(pct, TOP + PLOT - PLOT * pct / 100) for pct in (0, 50, 100)]
    return {"bars": bars, "grid": grid, "bar": BAR, "width": LEFT + max(len(rates), 1) * STEP + 4,
            "height": TOP + PLOT + BOTTOM, "left": LEFT, "baseline": TOP + PLOT}
