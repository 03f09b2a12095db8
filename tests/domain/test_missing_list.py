"""未交名单: who still has to write on a case, and the text a host pastes into the chat group."""
from datetime import timedelta

import pytest

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.participation.missing_list import missing_list_text, still_to_write
from learnclub.models import Excuse, Membership, Submission
from tests.factories import T0, make_case, make_cohort, make_member, make_user

P1 = T0 + timedelta(days=1)
LINK = "https://learn.example.org/c/lab/cases/1"
pytestmark = pytest.mark.usefixtures("app")


def _slot(cohort):
    return schedule_of(cohort)[0]


def _hand_in(case, user):
    Submission.create(case=case, user=user, body_md="作业", length=2, submitted_at=P1,
                      updated_at=P1)


def test_still_to_write_leaves_out_writers_excused_staff_removed_and_late_joiners():
    cohort = make_cohort(language="zh_Hans_CN")
    case = make_case(cohort, publish_at=P1)
    waiting = make_member(cohort, make_user(display_name="王小明", group_nickname="小明-杭州"))
    _hand_in(case, make_member(cohort))
    Excuse.create(case=case, user=make_member(cohort), reason="出差", created_at=T0)
    make_member(cohort, role="assistant")
    make_member(cohort, status="removed")
    late = make_member(cohort)
    Membership.update(joined_at=P1 + timedelta(hours=1)).where(
        Membership.user == late).execute()

    missing = still_to_write(cohort, _slot(cohort))

    assert [m.user.id for m in missing] == [waiting.id]


def test_missing_list_text_mentions_group_nicknames_in_chinese():
    cohort = make_cohort(language="zh_Hans_CN", timezone="Asia/Shanghai")
    make_case(cohort, publish_at=P1, title="社群冷启动")
    make_member(cohort, make_user(display_name="王小明", group_nickname="小明-杭州"))
    make_member(cohort, make_user(display_name="Li Lei", group_nickname=""))

    text = missing_list_text(cohort, _slot(cohort), link=LINK)

    assert text.splitlines() == [
        "【未交名单】《社群冷启动》",
        "截止时间：11月26日 周四 20:00（北京时间）",
        "还差 2 人：@Li Lei @小明-杭州",
        f"交作业：{LINK}",
    ]


def test_missing_list_text_in_english_when_everyone_handed_in():
    cohort = make_cohort(language="en", timezone="Europe/Berlin")
    case = make_case(cohort, publish_at=P1, title="Cold start")
    _hand_in(case, make_member(cohort))

    text = missing_list_text(cohort, _slot(cohort), link=LINK)

    assert text.splitlines() == [
        "【Homework still missing】“Cold start”",
        "Due: Thu 26 Nov, 13:00 (Central European Time)",
        "Everyone has handed in. Thank you all!",
        f"Write here: {LINK}",
    ]
