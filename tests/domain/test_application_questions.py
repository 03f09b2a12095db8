"""A cohort's own application questions (docs/rules.md "Screening applications"): what a
question may be, which answers are accepted, saving them with the application, editing,
reordering and removing questions without losing an answer."""
import pytest

from learnclub.domain.cohorts import admission, questions, screening
from learnclub.domain.errors import DomainError
from learnclub.models import Application, ApplicationAnswer, ApplicationQuestion
from tests import corpora
from tests.factories import T0, make_application, make_cohort, make_user


@pytest.fixture
def cohort(app):
    return make_cohort()


def add(cohort, kind="short", prompt="你在哪个城市？", choices="", required=False):
    return questions.add_question(cohort, kind=kind, prompt=prompt, choices=choices,
                                  required=required, now=T0)


def apply(cohort, user=None, motivation="想系统学习社群运营", **answers):
    """Apply with answers given as answer_<question id>=value or [values]."""
    raw = {f"answer-{key.split('_')[1]}": value if isinstance(value, list) else [value]
           for key, value in answers.items()}
    return admission.submit_application(cohort, user or make_user(), motivation=motivation,
                                        background="", now=T0, answers=raw)


def stored(application):
    return questions.answers_of([application.id]).get(application.id, {})


def test_a_new_cohort_asks_no_questions_of_its_own(cohort):
    assert questions.live_questions(cohort) == []
    application = apply(cohort)
    assert stored(application) == {}


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"kind": "essay"}, "kind", "Choose the kind of question."),
    ({"prompt": "  "}, "prompt", "Question is required."),
    ({"prompt": "问" * 301}, "prompt", "the limit is 300"),
    ({"prompt": "a\x00b"}, "prompt", "NUL character"),
    ({"prompt": "a\ud800b"}, "prompt", "cannot be stored"),
    ({"kind": "single", "choices": "只有一个"}, "choices", "at least 2 options"),
    ({"kind": "single", "choices": "\n\n  \n"}, "choices", "at least 2 options"),
    ({"kind": "multiple", "choices": "\n".join(str(n) for n in range(21))}, "choices",
     "at most 20 options"),
    ({"kind": "single", "choices": "是\n" + "否" * 101}, "choices", "at most 100 characters"),
    ({"kind": "single", "choices": "是\n否\n 是 "}, "choices", "“是” is there twice"),
    ({"kind": "single", "choices": "是\n否\x00"}, "choices", "NUL character"),
])
def test_a_bad_question_says_why_and_adds_nothing(cohort, values, field, says):
    values = {"kind": "short", "prompt": "你在哪个城市？", "choices": "", **values}

    with pytest.raises(DomainError) as refused:
        add(cohort, **values)

    assert refused.value.field == field
    assert says in refused.value.message
    assert ApplicationQuestion.select().count() == 0


def test_options_are_trimmed_one_a_line_and_a_text_question_keeps_none(cohort):
    single = add(cohort, "single", "从哪里知道我们？", " 朋友 \r\n\n公众号\n  小红书")
    text = add(cohort, "long", "说说你的社群", choices="忽略\n这些")

    assert (single.options, single.position) == (["朋友", "公众号", "小红书"], 1)
    assert (text.options, text.choices, text.position) == ([], "", 2)
    assert [q.id for q in questions.live_questions(cohort)] == [single.id, text.id]


def test_at_most_twenty_questions(cohort):
    for n in range(questions.MAX_QUESTIONS):
        add(cohort, prompt=f"问题{n}")
    with pytest.raises(DomainError) as refused:
        add(cohort, prompt="第二十一个")
    assert "at most 20 questions" in refused.value.message


def test_answers_are_checked_and_stored(cohort):
    city = add(cohort, "short", "城市", required=True)
    story = add(cohort, "long", "你的故事")
    source = add(cohort, "single", "来源", "朋友\n公众号", required=True)
    topics = add(cohort, "multiple", "想学", "拉新\n留存\n变现")

    application = apply(cohort, **{f"answer_{city.id}": " 上海 ", f"answer_{story.id}": "",
                                   f"answer_{source.id}": "公众号",
                                   f"answer_{topics.id}": ["变现", "拉新", "变现"]})

    # text exactly as typed; options once each, in the options' order; no row for no answer
    assert stored(application) == {city.id: [" 上海 "], source.id: ["公众号"],
                                   topics.id: ["拉新", "变现"]}


@pytest.mark.parametrize(("kind", "choices", "required", "sent", "says"), [
    ("short", "", True, [], "“城市” is required."),
    ("short", "", True, ["   "], "“城市” is required."),
    ("short", "", False, ["长" * 301], "the limit is 300"),
    ("long", "", False, ["长" * 20_001], "the limit is 20000"),
    ("short", "", False, ["a\x00"], "NUL character"),
    ("long", "", False, ["\udc80"], "cannot be stored"),
    ("single", "是\n否", True, [], "Choose an answer to “城市”: it is required."),
    ("single", "是\n否", False, ["也许"], "Choose one of the options offered for “城市”."),
    ("single", "是\n否", False, ["是", "否"], "Choose only one option for “城市”."),
    ("multiple", "是\n否", True, [""], "Choose an answer to “城市”: it is required."),
    ("multiple", "是\n否", False, ["是", "<b>否</b>"], "Choose one of the options offered"),
])
def test_a_bad_answer_names_its_question_and_saves_nothing(cohort, kind, choices, required,
                                                          sent, says):
    question = add(cohort, kind, "城市", choices, required=required)
    user = make_user()

    with pytest.raises(DomainError) as refused:
        admission.submit_application(cohort, user, motivation="想学", background="", now=T0,
                                     answers={f"answer-{question.id}": sent})

    assert refused.value.field == f"answer-{question.id}"
    assert says in refused.value.message
    assert (Application.select().count(), ApplicationAnswer.select().count()) == (0, 0)


def test_a_refused_update_keeps_the_old_application_and_answers(cohort):
    city = add(cohort, "short", "城市", required=True)
    user = make_user()
    application = apply(cohort, user, **{f"answer_{city.id}": "上海"})

    with pytest.raises(DomainError):
        admission.submit_application(cohort, user, motivation="改了", background="", now=T0,
                                     answers={f"answer-{city.id}": [""]})

    assert (Application.get_by_id(application.id).motivation, stored(application)) == (
        "想系统学习社群运营", {city.id: ["上海"]})


def test_editing_a_pending_application_replaces_its_answers(cohort):
    city = add(cohort, "short", "城市")
    topics = add(cohort, "multiple", "想学", "拉新\n留存")
    user = make_user()
    application = apply(cohort, user, **{f"answer_{city.id}": "上海",
                                         f"answer_{topics.id}": ["拉新", "留存"]})

    again = apply(cohort, user, **{f"answer_{city.id}": "", f"answer_{topics.id}": ["留存"]})

    assert again.id == application.id
    assert stored(application) == {topics.id: ["留存"]}
    assert questions.form_values(application) == {f"answer-{topics.id}": ["留存"]}


def test_changing_options_never_changes_an_answer(cohort):
    source = add(cohort, "single", "来源", "朋友\n公众号")
    application = apply(cohort, **{f"answer_{source.id}": "公众号"})

    questions.edit_question(source, now=T0, prompt="你从哪里知道我们？", choices="朋友\n小红书",
                            required=True)

    assert (source.prompt, source.options, source.required) == (
        "你从哪里知道我们？", ["朋友", "小红书"], True)
    assert stored(application) == {source.id: ["公众号"]}
    assert questions.edit_question(source, now=T0, prompt="你从哪里知道我们？",
                                   choices="朋友\n小红书", required=True) is False
    with pytest.raises(DomainError):  # the new options apply to new answers
        apply(cohort, **{f"answer_{source.id}": "公众号"})


def test_move_up_and_down(cohort):
    a, b, c = (add(cohort, prompt=p) for p in "ABC")

    def order():
        return [q.prompt for q in questions.live_questions(cohort)]

    assert questions.move_question(c, "up") is True
    assert order() == ["A", "C", "B"]
    assert questions.move_question(a, "up") is False
    questions.move_question(a, "down")
    assert order() == ["C", "A", "B"]
    with pytest.raises(DomainError):
        questions.move_question(a, "sideways")


def test_removing_deletes_an_unanswered_question_and_archives_an_answered_one(cohort, clock):
    unanswered = add(cohort, prompt="没人答")
    answered = add(cohort, "single", "来源", "朋友\n公众号")
    application = apply(cohort, **{f"answer_{answered.id}": "朋友"})

    assert questions.remove_question(unanswered, now=T0) == "deleted"
    assert questions.remove_question(answered, now=T0) == "archived"

    assert ApplicationQuestion.get_or_none(id=unanswered.id) is None
    assert questions.live_questions(cohort) == []
    assert [q.id for q in questions.all_questions(cohort)] == [answered.id]
    assert stored(application) == {answered.id: ["朋友"]}
    # a later edit of the application keeps the answer to the removed question
    apply(cohort, application.user, motivation="再想想")
    assert stored(application) == {answered.id: ["朋友"]}
    found = screening.screen_page(cohort, screening.parse({}))
    assert found.answers[application.id] == {answered.id: ["朋友"]}
    assert found.choice_questions == []


def test_screen_filters_by_a_choice_and_q_finds_a_text_answer(cohort):
    source = add(cohort, "single", "来源", "朋友\n公众号")
    topics = add(cohort, "multiple", "想学", "拉新\n留存\n变现")
    story = add(cohort, "long", "你的故事")
    names = {}
    for name, src, wanted, text in (("甲", "朋友", ["拉新"], "开了一家花店"),
                                    ("乙", "公众号", ["拉新", "变现"], "做 100% 私域"),
                                    ("丙", "公众号", [], "")):
        application = apply(cohort, make_user(display_name=name),
                            **{f"answer_{source.id}": src, f"answer_{topics.id}": wanted,
                               f"answer_{story.id}": text})
        names[application.id] = name

    def find(**args):
        return [names[a.id] for a in screening.screen_page(
            cohort, screening.parse(args)).rows]

    assert find(**{f"a{source.id}": "公众号"}) == ["乙", "丙"]
    assert find(**{f"a{topics.id}": "拉新"}) == ["甲", "乙"]
    assert find(**{f"a{source.id}": "公众号", f"a{topics.id}": "拉新"}) == ["乙"]
    assert find(**{f"a{topics.id}": "没有的选项"}) == []
    assert find(**{f"a{story.id}": "花店"}) == ["甲", "乙", "丙"]  # not a choice: ignored
    assert find(**{"a999999": "朋友"}) == ["甲", "乙", "丙"]  # not this cohort's: ignored
    assert find(q="花店") == ["甲"]
    assert find(q="100%") == ["乙"]
    screen = screening.parse({f"a{source.id}": "公众号", "city": "上海"})
    assert screen.args(page=2) == {"city": "上海", "page": 2, f"a{source.id}": "公众号"}
    assert screen.option(source.id) == "公众号"


def test_another_cohorts_answers_do_not_match_q(cohort):
    other = make_cohort()
    question = add(other, prompt="城市")
    apply(other, **{f"answer_{question.id}": "独一无二"})
    make_application(cohort)

    assert screening.screen_page(cohort, screening.parse({"q": "独一无二"})).rows == []


def test_every_naughty_string_as_prompt_option_and_answer(cohort):
    failures = []
    for text in corpora.naughty_strings() + corpora.xss_payloads()[::20]:
        try:
            question = add(cohort, "short", text)
        except DomainError:
            if text.strip() and "\x00" not in text and len(text) <= 300:
                failures.append(("prompt", text))
            continue
        if question.prompt != text:
            failures.append(("prompt stored", text))
        option = text.strip()
        choice = None
        if len(option.splitlines()) == 1:  # a line break would make two options
            try:
                choice = add(cohort, "multiple", "选项", f"{option}\n另一个")
            except DomainError:
                if option != "另一个" and len(option) <= 100 and "\x00" not in option:
                    failures.append(("option", text))
        answers = {f"answer_{question.id}": text}
        if choice is not None:
            answers[f"answer_{choice.id}"] = [option]
        try:
            application = apply(cohort, make_user(), **answers)
        except DomainError:
            if text.strip() and "\x00" not in text:
                failures.append(("answer", text))
        else:
            got = stored(application)
            if text.strip() and got.get(question.id) != [text]:
                failures.append(("answer stored", text, got))
            if choice is not None and got.get(choice.id) != [option]:
                failures.append(("option stored", text, got))
        for q in questions.live_questions(cohort):
            questions.remove_question(q, now=T0)
    assert failures == []
