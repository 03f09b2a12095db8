"""One date style for pages, mail, chat posts and week choices (learnclub.dates)."""
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.dates import distance, say_when, span, zone_name

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # a fixed instant: these are pure functions
SUNDAY_EVENING = datetime(2026, 12, 13, 12, 0, tzinfo=UTC)  # 20:00 in Beijing


def test_chinese_style_with_weekday_zone_and_distance():
    text = say_when(SUNDAY_EVENING, "Asia/Shanghai", "zh_Hans_CN", now=NOW, with_zone=True,
                    with_distance=True)
    assert text == "12月13日 周日 20:00（北京时间）· 9 天后"


def test_english_style_with_weekday_zone_and_distance():
    text = say_when(SUNDAY_EVENING, "Asia/Shanghai", "en", now=NOW, with_zone=True,
                    with_distance=True)
    assert text == "Sun 13 Dec, 20:00 (Beijing time) · in 9 days"


def test_year_shows_only_outside_the_current_year_in_the_cohorts_zone():
    next_year = SUNDAY_EVENING + timedelta(days=30)
    assert say_when(next_year, "Asia/Shanghai", "zh_Hans_CN", now=NOW) == "2027年1月12日 周二 20:00"
    assert say_when(next_year, "Asia/Shanghai", "en", now=NOW) == "Tue 12 Jan 2027, 20:00"
    # 31 Dec 17:00 UTC is already 1 Jan in Beijing: the year is judged in the cohort's zone
    new_year_eve = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert say_when(new_year_eve, "Asia/Shanghai", "zh_Hans_CN", now=NOW).startswith("2027年1月1日")


def test_date_and_time_styles():
    assert say_when(SUNDAY_EVENING, "Asia/Shanghai", "zh_Hans_CN", now=NOW,
                    style="date") == "12月13日 周日"
    assert say_when(SUNDAY_EVENING, "Asia/Shanghai", "en", now=NOW, style="time") == "20:00"


@pytest.mark.parametrize(("zone", "zh", "en"), [
    ("Asia/Shanghai", "北京时间", "Beijing time"),
    ("Asia/Tokyo", "日本时间", "Japan Time"),
    ("UTC", "协调世界时（UTC）", "UTC"),
])
def test_zones_are_named_as_people_say_them(zone, zh, en):
    assert zone_name(zone, "zh_Hans_CN") == zh
    assert zone_name(zone, "en") == en


@pytest.mark.parametrize(("delta", "zh", "en"), [
    (timedelta(seconds=20), "刚刚", "just now"),
    (timedelta(minutes=25), "25 分钟后", "in 25 minutes"),
    (timedelta(hours=3, minutes=59), "3 小时后", "in 3 hours"),
    (timedelta(days=9, hours=2), "9 天后", "in 9 days"),  # not "1 周后"
    (timedelta(days=1), "1 天后", "in 1 day"),
    (-timedelta(days=2, hours=5), "2 天前", "2 days ago"),
])
def test_distance_in_the_unit_a_person_would_use(delta, zh, en):
    assert distance(NOW + delta, NOW, "zh_Hans_CN") == zh
    assert distance(NOW + delta, NOW, "en") == en


@pytest.mark.parametrize(("days", "zh", "en"), [
    (0.0, "不到 1 小时", "under an hour"),  # never "0.0 天"
    (0.3, "7 小时", "7 hours"),
    (3.5, "3.5 天", "3.5 days"),
    (4.0, "4 天", "4 days"),
    (1.0, "1 天", "1 day"),
])
def test_spans(days, zh, en):
    assert span(days, "zh_Hans_CN") == zh
    assert span(days, "en") == en
