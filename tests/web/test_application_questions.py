"""A cohort's own application questions through the pages (docs/rules.md "Screening
applications"): staff manage them, applicants answer them on the apply form (a refusal keeps
what they typed and names the question), the review cards show the answers, a choice
filters the list and the free-text search finds words in an answer. Bad input: a message,
nothing changed, never a 500; naughty strings stored as typed and shown escaped."""
import re

import pytest
from markupsafe import escape

from learnclub.domain.cohorts import questions
from learnclub.models import Application, ApplicationAnswer, ApplicationQuestion
from tests import corpora
from tests.factories import PASSWORD, T0, make_cohort, make_member, make_user

QUESTIONS = "/c/lab/applications/questions"


def html_of(response):
    return response.get_data(as_text=True)


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def host(app):
    return make_user(can_host=True, locale="en")


@pytest.fixture
def cohort(host):
    return make_cohort(host=host, slug="lab")


@pytest.fixture
def browser(app):
    """A fresh client signed in as `user` (one person per client)."""
    def open_as(user):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client
    return open_as


def add(cohort, kind, prompt, choices="", required=False):
    return questions.add_question(cohort, kind=kind, prompt=prompt, choices=choices,
                                  required=required, now=T0)


def questions_of(cohort):
    return [(q.kind, q.prompt, q.options, q.required)
            for q in questions.live_questions(cohort)]


def answers_of(application):
    return questions.answers_of([application.id]).get(application.id, {})


def test_staff_add_edit_move_and_remove_questions(client, login_as, host, cohort):
    login_as(host)
    assert "No questions of your own yet" in html_of(client.get(QUESTIONS))

    added = client.post(QUESTIONS, data={"kind": "single", "prompt": "你从哪里知道我们？",
                                         "choices": "朋友\n公众号\n", "required": "y"})
    client.post(QUESTIONS, data={"kind": "long", "prompt": "说说你做过的社群"})

    assert added.status_code == 302
    assert questions_of(cohort) == [("single", "你从哪里知道我们？", ["朋友", "公众号"], True),
                                    ("long", "说说你做过的社群", [], False)]
    source, story = questions.live_questions(cohort)
    page = html_of(client.get(QUESTIONS))
    assert ("1. 你从哪里知道我们？" in page, "Single choice · required" in page,
            "Long text · optional" in page) == (True, True, True)

    edited = client.post(f"{QUESTIONS}/{source.id}",
                         data={"prompt": "来源", "choices": "朋友\n小红书"})
    moved = client.post(f"{QUESTIONS}/{story.id}/move", data={"direction": "up"})

    assert edited.headers["Location"].endswith(f"{QUESTIONS}#q{source.id}")
    assert moved.status_code == 302
    assert questions_of(cohort) == [("long", "说说你做过的社群", [], False),
                                    ("single", "来源", ["朋友", "小红书"], False)]

    removed = client.post(f"{QUESTIONS}/{story.id}/remove", follow_redirects=True)

    assert "Removed “说说你做过的社群” from the form." in text_of(html_of(removed))
    assert ApplicationQuestion.get_or_none(id=story.id) is None  # nobody answered: deleted
    # each change is in the cohort log, by whom, with what changed (moves are not logged)
    log = text_of(html_of(client.get(f"/c/{cohort.slug}/audit")))
    for said in ("application question added", "application question changed",
                 "application question removed", "application question “你从哪里知道我们？”",
                 "application question “说说你做过的社群”", "Question: 你从哪里知道我们？ → 来源",
                 "Required: yes → no"):
        assert said in log


@pytest.mark.parametrize(("data", "field", "says"), [
    ({"kind": "single", "prompt": "来源", "choices": "只有一个"}, "choices",
     "A choice question needs at least 2 options, one a line."),
    ({"kind": "short", "prompt": "   "}, "prompt", "Question is required."),
    ({"kind": "essay", "prompt": "来源"}, "kind", "Choose the kind of question."),
    ({"kind": "multiple", "prompt": "来源", "choices": "是\n是"}, "choices",
     "The option “是” is there twice."),
])
def test_a_bad_question_says_why_keeps_what_was_typed_and_adds_nothing(
        client, login_as, host, cohort, data, field, says):
    login_as(host)

    response = client.post(QUESTIONS, data=data)

    html = html_of(response)
    assert response.status_code == 200
    assert re.search(rf'<p class="error" id="{field}-error">{re.escape(str(escape(says)))}</p>',
                     html), html
    assert f'value="{escape(data["prompt"])}"' in html
    assert ApplicationQuestion.select().count() == 0


def test_a_bad_edit_says_why_and_changes_nothing(client, login_as, host, cohort):
    login_as(host)
    source = add(cohort, "single", "来源", "朋友\n公众号")

    response = client.post(f"{QUESTIONS}/{source.id}", data={"prompt": "新的", "choices": "x"})

    assert response.status_code == 200
    assert "at least 2 options" in html_of(response)
    assert re.search(r'name="choices">\s*x</textarea>', html_of(response))
    assert questions_of(cohort) == [("single", "来源", ["朋友", "公众号"], False)]


def test_learners_may_not_manage_questions_and_other_cohorts_are_not_found(
        client, login_as, browser, host, cohort):
    question = add(cohort, "short", "城市")
    other = add(make_cohort(host=host), "short", "别处")
    login_as(host)
    assert client.post(f"{QUESTIONS}/{other.id}/remove").status_code == 404
    assert client.get(f"{QUESTIONS}/{other.id}").status_code == 404
    assert client.post(f"{QUESTIONS}/999999/move", data={"direction": "up"}).status_code == 404
    client = browser(make_member(cohort))

    assert client.get(QUESTIONS).status_code == 403
    assert client.post(QUESTIONS, data={"kind": "short", "prompt": "x"}).status_code == 403
    assert client.post(f"{QUESTIONS}/{question.id}/remove").status_code == 403
    assert ApplicationQuestion.select().count() == 2


def test_settings_and_review_link_to_the_questions(client, login_as, host, cohort):
    login_as(host)

    for url in ("/c/lab/settings", "/c/lab/applications"):
        assert f'href="{QUESTIONS}"' in html_of(client.get(url))


@pytest.fixture
def asked(cohort):
    """A required single choice, an optional long text, a multiple choice."""
    return (add(cohort, "single", "你从哪里知道我们？", "朋友\n公众号", required=True),
            add(cohort, "long", "说说你做过的社群"),
            add(cohort, "multiple", "想学什么", "拉新\n留存\n变现"))


def test_apply_form_asks_the_questions_after_the_fixed_ones(client, login_as, cohort, asked):
    source, story, topics = asked
    login_as(make_user(locale="en"))

    html = html_of(client.get("/c/lab/apply"))

    assert html.index('name="background"') < html.index(f'name="answer-{source.id}"')
    assert html.count(f'type="radio" name="answer-{source.id}"') == 2
    assert f'<textarea id="answer-{story.id}" name="answer-{story.id}"' in html
    assert html.count(f'type="checkbox" name="answer-{topics.id}"') == 3
    assert "你从哪里知道我们？ <span class=\"required\">(required)</span>" in html


def test_apply_with_answers_and_edit_them_later(client, login_as, cohort, asked):
    source, story, topics = asked
    applicant = login_as(make_user(locale="en"))

    response = client.post("/c/lab/apply", data={
        "motivation": "想学", f"answer-{source.id}": "公众号",
        f"answer-{story.id}": "带过一个 200 人的读书会", f"answer-{topics.id}": ["变现", "拉新"]})

    assert response.status_code == 302, html_of(response)
    application = Application.get(Application.user == applicant)
    assert answers_of(application) == {source.id: ["公众号"], story.id: ["带过一个 200 人的读书会"],
                                       topics.id: ["拉新", "变现"]}
    form = html_of(client.get("/c/lab/apply"))
    assert f'name="answer-{source.id}" value="公众号" checked' in form
    assert f'name="answer-{topics.id}" value="变现" checked' in form
    assert "带过一个 200 人的读书会</textarea>" in form

    client.post("/c/lab/apply", data={"motivation": "想学", f"answer-{source.id}": "朋友"})

    assert answers_of(application) == {source.id: ["朋友"]}


@pytest.mark.parametrize(("answers", "wrong", "says"), [
    ({}, "source", "Choose an answer to “你从哪里知道我们？”: it is required."),
    ({"source": "别的"}, "source", "Choose one of the options offered for “你从哪里知道我们？”."),
    ({"source": ["朋友", "公众号"]}, "source", "Choose only one option for “你从哪里知道我们？”."),
    ({"source": "朋友", "story": "长" * 20_001}, "story", "the limit is 20000"),
    ({"source": "朋友", "topics": "全部"}, "topics",
     "Choose one of the options offered for “想学什么”."),
])
def test_a_refused_application_keeps_what_was_typed_and_names_the_question(
        client, login_as, cohort, asked, answers, wrong, says):
    source, story, topics = asked
    login_as(make_user(locale="en"))
    fields = {"source": source, "story": story, "topics": topics}
    data = {"motivation": "我的动机", "background": "我的背景",
            f"answer-{story.id}": "我写的故事", f"answer-{topics.id}": ["留存"]}
    data.update({f"answer-{fields[k].id}": v for k, v in answers.items()})

    response = client.post("/c/lab/apply", data=data)

    html = html_of(response)
    assert response.status_code == 200
    assert re.search(rf'<p class="error" id="answer-{fields[wrong].id}-error">[^<]*'
                     rf'{re.escape(str(escape(says)))}', html), html
    assert ("我的动机</textarea>" in html, "我的背景</textarea>" in html) == (True, True)
    if "story" not in answers:
        assert "我写的故事</textarea>" in html
    if "topics" not in answers:
        assert f'name="answer-{topics.id}" value="留存" checked' in html
    assert (Application.select().count(), ApplicationAnswer.select().count()) == (0, 0)


def test_a_missing_motivation_and_a_missing_answer_are_both_said(client, login_as, cohort,
                                                                 asked):
    source = asked[0]
    login_as(make_user(locale="en"))

    html = html_of(client.post("/c/lab/apply", data={"motivation": ""}))

    assert 'id="motivation-error"' in html
    assert f'id="answer-{source.id}-error"' in html


def apply(browser, name, **answers):
    applicant = make_user(display_name=name, locale="en")
    response = browser(applicant).post("/c/lab/apply", data={"motivation": "想学", **answers})
    assert response.status_code == 302, html_of(response)
    return Application.get(Application.user == applicant)


def names_on(html):
    return re.findall(r'<label for="pick-\d+">(.*?)</label>', html)


def test_review_shows_the_answers_and_filters_by_a_choice_and_by_words(
        client, login_as, browser, host, cohort, asked):
    source, story, topics = asked
    apply(browser, "甲", **{f"answer-{source.id}": "朋友",
                                            f"answer-{topics.id}": ["拉新"]})
    apply(browser, "乙", **{f"answer-{source.id}": "公众号",
                                            f"answer-{story.id}": "带过读书会\n第二行",
                                            f"answer-{topics.id}": ["拉新", "变现"]})
    login_as(host)

    html = html_of(client.get("/c/lab/applications"))
    assert names_on(html) == ["甲", "乙"]
    assert f'<select name="a{source.id}"><option value="">All</option><option value="朋友">' \
        in html
    assert f'<select name="a{topics.id}">' in html
    assert f'name="a{story.id}"' not in html  # a text answer has no filter
    assert '<span class="prompt">想学什么</span> <span class="answer">拉新</span>, ' \
        '<span class="answer">变现</span>' in html
    assert '<span class="clamp pre">带过读书会\n第二行</span>' in html

    by_source = html_of(client.get(f"/c/lab/applications?a{source.id}=公众号"))
    by_topic = html_of(client.get(f"/c/lab/applications?a{topics.id}=拉新"))
    by_words = html_of(client.get("/c/lab/applications?q=读书会"))

    assert (names_on(by_source), names_on(by_topic), names_on(by_words)) == (
        ["乙"], ["甲", "乙"], ["乙"])
    assert '<option value="公众号" selected>' in by_source
    assert f'a{source.id}=%E5%85%AC%E4%BC%97%E5%8F%B7' in by_source  # kept in the forms' links


def test_a_removed_question_keeps_its_answers_on_the_cards(client, login_as, browser, host,
                                                           cohort, asked):
    source = asked[0]
    application = apply(browser, "甲", **{f"answer-{source.id}": "朋友"})
    login_as(host)
    client.post(f"{QUESTIONS}/{source.id}", data={"prompt": "来源", "choices": "同事\n公众号",
                                                  "required": "y"})
    changed = html_of(client.get("/c/lab/applications"))

    removed = client.post(f"{QUESTIONS}/{source.id}/remove", follow_redirects=True)

    assert "朋友</span> <span class=\"gone\">(no longer an option)</span>" in changed
    assert "The answers already given are kept" in text_of(html_of(removed))
    assert "Removed questions" in html_of(client.get(QUESTIONS))
    card = html_of(client.get("/c/lab/applications"))
    assert ('<span class="prompt">来源</span> <span class="gone">(removed question)</span> '
            '<span class="answer">朋友</span>') in card
    assert f'name="a{source.id}"' not in card
    assert answers_of(application) == {source.id: ["朋友"]}
    assert f"answer-{source.id}" not in html_of(browser(make_user()).get("/c/lab/apply"))


def test_the_questions_page_in_chinese(client, login_as, browser, cohort, asked):
    source = asked[0]
    apply(browser, "甲", **{f"answer-{source.id}": "朋友"})
    host = make_member(cohort, make_user(locale="zh_Hans_CN"), role="host")
    login_as(host)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"

    page = html_of(client.get(QUESTIONS))

    assert ("申请问题" in page, "单选" in page) == (True, True)


def test_naughty_questions_and_answers_are_stored_as_typed_and_shown_escaped(
        client, login_as, browser, host, cohort):
    login_as(host)
    applicant = make_user(locale="en")
    applicant_client = browser(applicant)
    failures = []
    texts = corpora.naughty_strings() + corpora.xss_payloads()[::40]
    for n, text in enumerate(texts):
        option = text.strip()
        single_line = len(option.splitlines()) == 1
        response = client.post(QUESTIONS, data={
            "kind": "single" if single_line else "short", "prompt": text,
            "choices": f"{option}\n另一个" if single_line else ""})
        live = questions.live_questions(cohort)
        refused = (not text.strip() or "\x00" in text or len(text) > 300
                   or (single_line and (len(option) > 100 or option == "另一个")))
        if refused:
            if response.status_code != 200 or live:
                failures.append(("refusal", text, response.status_code))
            continue
        if response.status_code != 302 or len(live) != 1 or live[0].prompt != text:
            failures.append(("prompt", text, response.status_code))
            for q in live:
                questions.remove_question(q, now=T0)
            continue
        question = live[0]
        if single_line and question.options != [option, "另一个"]:
            failures.append(("options", text, question.options))
        form = html_of(applicant_client.get("/c/lab/apply"))
        if str(escape(text)) not in form:
            failures.append(("apply form", text))
        answer = option if single_line else text
        response = applicant_client.post("/c/lab/apply", data={
            "motivation": "想学", f"answer-{question.id}": answer})
        if response.status_code != 302:
            failures.append(("answer", text, response.status_code))
        elif answers_of(Application.get(Application.user == applicant)).get(
                question.id) != [answer]:
            failures.append(("answer stored", text))
        elif n % 5 == 0:  # the review page is slow to fetch 700 times
            page = html_of(client.get("/c/lab/applications"))
            if str(escape(answer)) not in page or str(escape(text)) not in page:
                failures.append(("review page", text))
        questions.remove_question(question, now=T0)
    assert failures == []
