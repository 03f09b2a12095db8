"""Unit tests of reading a case file (domain/content.py): front matter, dates, and problems."""
import dataclasses
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from learnclub.domain.cases.case_file import MAX_BYTES, ContentProblem, parse_case_file

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHIPPED = sorted((Path(__file__).parents[2] / "content" / "community-lab").glob("*.md"))

FULL = """---
title: 小区生鲜团购:从一个群到一张网
publish_at: 2026-12-03 20:00
due_at: 2026-12-06 20:00
homework: 如果你来做这个小区的社群,第一周你会做哪三件事?
tags: [社群新零售, 生鲜]
---
枫林苑是杭州城北一个老小区。

## 头三个月

陈慧每天晚上在群里发两三样东西。
"""
BODY = "枫林苑是杭州城北一个老小区。\n\n## 头三个月\n\n陈慧每天晚上在群里发两三样东西。"


def parse(text, zone=SHANGHAI):
    return parse_case_file(text.encode(), name="case.md", zone=zone)


def problem_of(raw, name="case.md"):
    """The ContentProblem parsing `raw` raises, as (file, where, problem, hint)."""
    with pytest.raises(ContentProblem) as exc:
        parse_case_file(raw, name=name, zone=SHANGHAI)
    return exc.value.file, exc.value.where, exc.value.problem, exc.value.hint


def with_front(*lines, body="正文。\n"):
    return ("---\n" + "".join(line + "\n" for line in lines) + "---\n" + body).encode()


# a valid file


def test_parse_case_file_full_file_gives_exact_values():
    raw = FULL.encode()

    source = parse_case_file(raw, name="01-xiaoqu.md", zone=SHANGHAI)

    assert dataclasses.asdict(source) == {
        "title": "小区生鲜团购:从一个群到一张网",
        "body_md": BODY,
        "homework": "如果你来做这个小区的社群,第一周你会做哪三件事?",
        "tags": ["社群新零售", "生鲜"],
        "publish_at": datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
        "due_at": datetime(2026, 12, 6, 12, 0, tzinfo=UTC),
        "digest": hashlib.sha256(raw).hexdigest(),
        "notes": [],
    }


def test_parse_case_file_title_only_leaves_the_rest_empty():
    source = parse_case_file(with_front("title: 只有标题"), name="case.md", zone=SHANGHAI)

    assert (source.title, source.body_md, source.homework, source.tags, source.publish_at,
            source.due_at, source.notes) == ("只有标题", "正文。", "", [], None, None, [])


# dates


def test_parse_case_file_date_without_zone_means_cohort_zone():
    source = parse(FULL, zone=ZoneInfo("America/New_York"))

    assert (source.publish_at, source.due_at) == (datetime(2026, 12, 4, 1, 0, tzinfo=UTC),
                                                  datetime(2026, 12, 7, 1, 0, tzinfo=UTC))


@pytest.mark.parametrize("text", [
    "2026-12-03T20:00+08:00",
    "2026-12-03T20:00:00+08:00",
    "2026-12-03 20:00:00+08:00",
    "2026-12-03T12:00Z",
    "2026-12-03T12:00:00Z",
    "'2026-12-03T12:00:00Z'",
])
def test_parse_case_file_date_with_zone_keeps_it(text):
    source = parse(f"---\ntitle: t\npublish_at: {text}\n---\n", zone=ZoneInfo("America/New_York"))

    assert source.publish_at == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_parse_case_file_date_with_seconds_without_zone_means_cohort_zone():
    source = parse("---\ntitle: t\npublish_at: 2026-12-03 20:00:00\n---\n")

    assert source.publish_at == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-12-03", "'2026-12-03'"])
def test_parse_case_file_date_alone_means_20_local(text):
    source = parse(f"---\ntitle: t\npublish_at: {text}\ndue_at: 2026-12-06\n---\n")

    assert (source.publish_at, source.due_at) == (datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
                                                  datetime(2026, 12, 6, 12, 0, tzinfo=UTC))


def test_parse_case_file_empty_date_means_queued():
    source = parse("---\ntitle: t\npublish_at:\ndue_at: ''\n---\n")

    assert (source.publish_at, source.due_at) == (None, None)


# tags


@pytest.mark.parametrize("line", [
    "tags: [社群新零售, 生鲜]",
    "tags: 社群新零售, 生鲜",
    "tags: '社群新零售,生鲜,'",
    "tags:\n  - 社群新零售\n  - ' 生鲜 '",
])
def test_parse_case_file_tags_as_list_or_comma_string(line):
    source = parse(f"---\ntitle: t\n{line}\n---\n")

    assert source.tags == ["社群新零售", "生鲜"]


def test_parse_case_file_tags_as_mapping_refused():
    assert problem_of(with_front("title: t", "tags: {a: 1}")) == (
        "case.md", "tags", "must be a list of words.", "Write it as tags: [社群运营, 生鲜].")


# encodings and line endings


def test_parse_case_file_utf8_bom_accepted():
    plain = parse(FULL)

    source = parse_case_file(b"\xef\xbb\xbf" + FULL.encode(), name="case.md", zone=SHANGHAI)

    assert dataclasses.replace(source, digest=plain.digest) == plain


def test_parse_case_file_crlf_body_equals_lf_body():
    plain = parse(FULL)

    source = parse(FULL.replace("\n", "\r\n"))

    assert source.body_md == BODY
    assert dataclasses.replace(source, digest=plain.digest) == plain


def test_parse_case_file_not_utf8_names_the_byte():
    raw = "---\ntitle: 案例\n---\n".encode("gbk")

    assert problem_of(raw) == ("case.md", "byte 11", "is not UTF-8 text.",
                               "Save the file as UTF-8.")


def test_parse_case_file_over_size_limit_refused_before_parsing():
    raw = b"\xff" * (MAX_BYTES + 1)  # neither UTF-8 nor front matter: size is checked first

    assert problem_of(raw, name="big.md") == (
        "big.md", "file", "is 1,000,001 bytes; the limit is 1,000,000.",
        "Split the case or move material to a link.")


def test_parse_case_file_at_size_limit_accepted():
    head = b"---\ntitle: t\n# "
    tail = b"\n---\n"
    raw = head + b"x" * (MAX_BYTES - len(head) - len(tail)) + tail

    source = parse_case_file(raw, name="case.md", zone=SHANGHAI)

    assert (len(raw), source.title) == (1_000_000, "t")


# broken front matter

YAML_HINT = "Check indentation and quote values that contain ':' or '#'."


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("---\ntitle: t\nhomework: 第一周: 做三件事\n---\n", "line 3", id="third"),
    pytest.param("---\n\ntitle: t\nhomework: 第一周: 做三件事\n---\n", "line 4", id="blank_first"),
    pytest.param("---\ntitle: t\n# 作业\n\nhomework: a: b\ntags: [x]\n---\n", "line 5",
                 id="after_comment"),
    pytest.param("---\r\ntitle: t\r\nhomework: a: b\r\n---\r\n", "line 3", id="crlf"),
])
def test_parse_case_file_malformed_yaml_names_line(text, line):
    assert problem_of(text.encode()) == (
        "case.md", line, "the YAML front matter is broken (mapping values are not allowed here).",
        YAML_HINT)


def test_parse_case_file_no_front_matter_refused():
    assert problem_of("# 小区生鲜团购\n\n正文。\n".encode()) == (
        "case.md", "line 1", "has no front matter.",
        "Start the file with a '---' block holding at least 'title: …'.")


def test_parse_case_file_unclosed_front_matter_refused():
    assert problem_of("---\ntitle: t\n\n正文。\n".encode()) == (
        "case.md", "line 1", "the front matter is never closed.",
        "End it with a line of three dashes: '---'.")


def test_parse_case_file_front_matter_as_list_refused():
    assert problem_of(with_front("- title", "- 小区生鲜团购")) == (
        "case.md", "front matter", "is not a list of 'key: value' lines.",
        "Write it as e.g. 'title: 小区生鲜团购'.")


# title


def test_parse_case_file_missing_title_refused():
    assert problem_of(with_front("homework: 写三件事")) == (
        "case.md", "title", "is missing.", "Add 'title: …' to the front matter.")


def test_parse_case_file_empty_front_matter_is_missing_title():
    assert problem_of(with_front()) == (
        "case.md", "title", "is missing.", "Add 'title: …' to the front matter.")


@pytest.mark.parametrize("line", ["title: ''", "title: '  '"])
def test_parse_case_file_empty_title_refused(line):
    assert problem_of(with_front(line)) == ("case.md", "title", "is empty.",
                                            "Give the case a title.")


@pytest.mark.parametrize("line", ["title: [小区, 生鲜]", "title: {a: b}", "title: true"])
def test_parse_case_file_title_not_text_refused(line):
    assert problem_of(with_front(line)) == ("case.md", "title", "must be text.",
                                            "Quote it: key: \"…\".")


def test_parse_case_file_title_as_number_is_text():
    assert parse("---\ntitle: 2026\n---\n").title == "2026"


# bad dates

DATE_HINT = ("Write it like 2026-12-03 20:00 (the cohort's time zone) or "
             "2026-12-03T20:00+08:00.")


@pytest.mark.parametrize(("key", "text"), [
    ("publish_at", "下周五"),
    ("publish_at", "2026-02-30"),
    ("publish_at", "2026-12-03 25:00"),
    ("due_at", "3 Dec 2026"),
])
def test_parse_case_file_bad_date_text_refused(key, text):
    assert problem_of(with_front("title: t", f"{key}: {text}")) == (
        "case.md", key, f"'{text}' is not a date and time.", DATE_HINT)


@pytest.mark.parametrize("due", ["2026-12-03 19:00", "2026-12-03 20:00"])
def test_parse_case_file_due_not_after_publish_refused(due):
    raw = with_front("title: t", "publish_at: 2026-12-03 20:00", f"due_at: {due}")

    assert problem_of(raw) == ("case.md", "due_at", "is not after publish_at.",
                               "Give homework a due time after the case goes out.")


# unknown keys


def test_parse_case_file_unknown_key_imported_with_note():
    source = parse("---\ntitle: t\npublish-at: 2026-12-03 20:00\n---\n正文。\n")

    assert (source.title, source.publish_at, source.body_md) == ("t", None, "正文。")
    assert [(n.file, n.where, n.problem, n.hint) for n in source.notes] == [
        ("case.md", "publish-at", "is not a known field and was ignored.",
         "Known fields: title, publish_at, due_at, homework, tags.")]


# the sample cases shipped in content/


def test_shipped_cases_found():
    assert [p.name for p in SHIPPED] != []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_parse_case_file_shipped_case_parses(path):
    source = parse_case_file(path.read_bytes(), name=path.name, zone=SHANGHAI)

    assert (source.title.strip() != "", source.homework.strip() != "", source.notes) == (
        True, True, [])
