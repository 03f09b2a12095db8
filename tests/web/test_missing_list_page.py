"""The 未交名单 on a case's tracking page: the text the host pastes into the chat group,
@-mentioning by group nickname, in the cohort's language, with a copy button."""
import re
from datetime import timedelta

from markupsafe import Markup

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.participation.missing_list import missing_list_text
from tests.domain.test_tracking import excuse, hand_in
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries


def textarea(response):
    """The list as the page holds it (unescaped, as the browser shows and copies it)."""
    found = re.search(r'<textarea id="missing-list"[^>]*>(.*?)</textarea>',
                      response.get_data(as_text=True), re.S)
    return Markup(found.group(1)).unescape() if found else None


def cohort_with_missing(language, timezone):
    """A case out at T0 (due 72 h later); 小明 has a group nickname, Li Lei none, one learner
    handed in, one is excused, an assistant is not asked."""
    cohort = make_cohort(language=language, timezone=timezone)
    case = make_case(cohort, title="Cold start", publish_at=T0)
    make_member(cohort, make_user(display_name="王小明", group_nickname="小明-杭州"))
    make_member(cohort, make_user(display_name="Li Lei"))
    hand_in(case, make_member(cohort), at=T0 + timedelta(hours=1))
    excuse(case, make_member(cohort))
    make_member(cohort, role="assistant")
    return cohort, case


def test_case_report_shows_the_missing_list_in_the_cohorts_language(client, login_as):
    cohort, case = cohort_with_missing("en", "Europe/Berlin")
    login_as(cohort.created_by)

    response = client.get(f"/c/{cohort.slug}/tracking/cases/{case.id}",
                          headers={"Accept-Language": "zh-CN"})  # the reader's page is Chinese

    assert response.status_code == 200
    assert textarea(response).splitlines() == [
        "【Homework still missing】“Cold start”",
        "Due: Wed 25 Nov, 13:00 (Central European Time)",
        "Still to write (2): @Li Lei @小明-杭州",
        f"Write here: http://localhost/c/{cohort.slug}/cases/{case.id}",
    ]


def test_case_report_missing_list_is_the_domains_text_for_a_chinese_cohort(client, login_as):
    cohort, case = cohort_with_missing("zh_Hans_CN", "Asia/Shanghai")
    login_as(cohort.created_by)

    response = client.get(f"/c/{cohort.slug}/tracking/cases/{case.id}")

    link = f"http://localhost/c/{cohort.slug}/cases/{case.id}"
    assert textarea(response) == missing_list_text(cohort, schedule_of(cohort)[0], link=link)


def test_case_report_has_a_copy_button_that_needs_script(client, login_as):
    cohort, case = cohort_with_missing("en", "Asia/Shanghai")
    login_as(cohort.created_by)

    page = client.get(f"/c/{cohort.slug}/tracking/cases/{case.id}").get_data(as_text=True)

    assert re.search(r'<textarea id="missing-list" class="copy-source" (readonly) ', page)
    assert re.findall(r'<button type="button" class="primary" data-copy="(missing-list)" '
                      r'data-copied="copy-done" (hidden)>([^<]+)</button>', page) == [
        ("missing-list", "hidden", "Copy the list of who has not handed in")]
    # the address carries the file's content hash (learnclub/web/assets.py)
    # besides forms.js, which every page loads (busy states)
    assert [src.split("?v=")[0] for src in re.findall(r'<script src="([^"]+)"></script>',
                                                      page)] == ["/static/copy.js",
                                                                 "/static/forms.js"]


def test_case_report_says_when_everyone_handed_in(client, login_as):
    cohort = make_cohort(language="en")
    case = make_case(cohort, title="Cold start", publish_at=T0)
    hand_in(case, make_member(cohort), at=T0 + timedelta(hours=1))
    login_as(cohort.created_by)

    response = client.get(f"/c/{cohort.slug}/tracking/cases/{case.id}")

    assert textarea(response).splitlines()[2] == "Everyone has handed in. Thank you all!"


def _report_queries(client, host, learners):
    cohort = make_cohort(host=host, language="en")
    case = make_case(cohort, publish_at=T0)
    for i in range(learners):
        person = make_member(cohort, make_user(group_nickname=f"昵称{i}" if i % 2 else ""))
        if i % 3 == 1:
            hand_in(case, person, at=T0 + timedelta(hours=1))
    with count_queries() as statements:
        response = client.get(f"/c/{cohort.slug}/tracking/cases/{case.id}")
    assert response.status_code == 200
    return len(statements)


def test_case_report_queries_do_not_grow_with_learners(client, login_as):
    host = login_as(make_user(can_host=True))
    client.get("/")  # the first page after signing in may refresh the session

    assert _report_queries(client, host, 2) == _report_queries(client, host, 15)
