"""Dates as people read them, in one style for pages, mail, chat posts and week choices.

Chinese: 「12月13日 周日 20:00（北京时间）· 9 天后」; English: "Sun 13 Dec, 20:00 (Beijing
time) · in 9 days". The year shows only when it is not the reader's current year; the zone is
named the way people say it, not as "Asia/Shanghai"; distances are counted in the unit a person
would use ("9 天后", not "1周后").
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_name

from learnclub.i18n import translations_for

#: mainland China's zone names, all read as 北京时间
BEIJING = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})

_PATTERNS = {
    # (Chinese, English), without and with the year
    "medium": (("M月d日 EEE HH:mm", "y年M月d日 EEE HH:mm"),
               ("EEE d MMM, HH:mm", "EEE d MMM y, HH:mm")),
    "date": (("M月d日 EEE", "y年M月d日 EEE"), ("EEE d MMM", "EEE d MMM y")),
    "time": (("HH:mm", "HH:mm"), ("HH:mm", "HH:mm")),
}


def is_chinese(locale):
    return str(locale or "zh").startswith("zh")


def _babel_locale(locale):
    return "zh_Hans_CN" if is_chinese(locale) else "en"


def _zone(zone):
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def zone_name(zone, locale):
    """The zone as people name it: 北京时间 / Beijing time, 日本时间 / Japan Time."""
    key = getattr(zone, "key", zone)
    if key in BEIJING:
        return "北京时间" if is_chinese(locale) else "Beijing time"
    if key in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return "协调世界时（UTC）" if is_chinese(locale) else "UTC"
    try:
        return get_timezone_name(_zone(zone), "long", locale=_babel_locale(locale),
                                 zone_variant="generic")
    except (LookupError, ValueError):
        return str(key)


def say_when(instant, zone, locale, *, now=None, style="medium", with_zone=False,
             with_distance=False):
    """One instant in the zone and language given; `now` decides whether the year shows
    (and is needed for the distance)."""
    if instant is None:
        return ""
    local = instant.astimezone(_zone(zone))
    chinese = is_chinese(locale)
    other_year = now is not None and now.astimezone(_zone(zone)).year != local.year
    if style in _PATTERNS:
        pattern = _PATTERNS[style][0 if chinese else 1][1 if other_year else 0]
    else:
        pattern = style  # a Babel pattern of the caller's own
    text = format_datetime(local, pattern, locale=_babel_locale(locale))
    if with_zone:
        name = zone_name(zone, locale)
        text += f"（{name}）" if chinese else f" ({name})"
    if with_distance and now is not None:
        text += ("· " if chinese and with_zone else " · ") + distance(instant, now, locale)
    return text


def say_times(zone, locale, *, now):
    """`say_when(instant, zone, locale, now=now)` (the "medium" style) for the many instants
    of one page: each local day's words are made once (Babel), the hours and minutes then
    added to them. Returns the function of an instant (None: "")."""
    zone, chinese, days = _zone(zone), is_chinese(locale), {}
    this_year = now.astimezone(zone).year if now is not None else None

    def say(instant):
        if instant is None:
            return ""
        local = instant.astimezone(zone)
        day = local.date()
        if day not in days:
            other_year = this_year is not None and this_year != local.year
            pattern = _PATTERNS["medium"][0 if chinese else 1][1 if other_year else 0]
            days[day] = format_datetime(local, pattern.removesuffix("HH:mm"),
                                        locale=_babel_locale(locale))
        return f"{days[day]}{local:%H:%M}"
    return say


def distance(instant, now, locale):
    """How far off an instant is, in whole units a person would say: 刚刚, 25 分钟后,
    3 小时后, 9 天后, 2 天前 / just now, in 25 minutes, 3 hours ago."""
    translations = translations_for(_babel_locale(locale))
    ngettext = translations.ngettext
    delta = instant - now
    seconds = abs(delta.total_seconds())
    future = delta >= timedelta(0)
    if seconds < 60:
        return translations.gettext("just now")
    if seconds < 3600:
        num = int(seconds // 60)
        words = (ngettext("in %(num)d minute", "in %(num)d minutes", num) if future else
                 ngettext("%(num)d minute ago", "%(num)d minutes ago", num))
    elif seconds < 86400:
        num = int(seconds // 3600)
        words = (ngettext("in %(num)d hour", "in %(num)d hours", num) if future else
                 ngettext("%(num)d hour ago", "%(num)d hours ago", num))
    else:
        num = int(seconds // 86400)
        words = (ngettext("in %(num)d day", "in %(num)d days", num) if future else
                 ngettext("%(num)d day ago", "%(num)d days ago", num))
    return words % {"num": num}


def span(days, locale):
    """A length of time in words: 「9 天」「3.5 天」「5 小时」「不到 1 小时」 / "9 days",
    "3.5 days", "5 hours", "under an hour" (never "0.0 天")."""
    translations = translations_for(_babel_locale(locale))
    ngettext = translations.ngettext
    hours = days * 24
    if hours < 1:
        return translations.gettext("under an hour")
    if days < 1:
        num = int(hours)
        return ngettext("%(num)d hour", "%(num)d hours", num) % {"num": num}
    tenths = round(days, 1)
    if tenths == int(tenths):
        num = int(tenths)
        return ngettext("%(num)d day", "%(num)d days", num) % {"num": num}
    return translations.gettext("%(num)s days") % {"num": f"{tenths:.1f}"}
