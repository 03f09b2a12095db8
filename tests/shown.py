"""A time as pages write it (learnclub.dates' one style), spelled out on its own so tests
don't check the formatter with itself: 「12月13日 周日 20:00」 / "Sun 13 Dec, 20:00"."""
from zoneinfo import ZoneInfo

WEEKDAYS_ZH = "一二三四五六日"


def shown(instant, zone="Asia/Shanghai", locale="en"):
    local = instant.astimezone(ZoneInfo(zone))
    if locale.startswith("zh"):
        return f"{local.month}月{local.day}日 周{WEEKDAYS_ZH[local.weekday()]} {local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
