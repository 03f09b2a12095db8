"""Peers' homework on the case page, made for a phone: likes and comments answered as JSON
for the page's script (and the same redirect as before for a plain form), the talk folded
under "Comments (n)", avatars, and one's own homework shown once."""
import re
from datetime import timedelta

from learnclub.domain.homework.feedback import add_comment
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.text import LONG
from learnclub.models import Comment, Like, Submission
from learnclub.web.avatars import COLOURS, initials
from tests.factories import PASSWORD, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.timeline import START
from tests.web.test_corpora import naughty_strings, refused
from tests.web.test_corpora_homework import executable_content

NOW = START
JSON = {"Accept": "application/json"}


def _open_case(cohort):
    return make_case(cohort, publish_at=NOW - timedelta(hours=1))


def _peer_work(peer_visibility="always"):
    """(cohort, case, a peer's submission) on an open case."""
    cohort = make_cohort(peer_visibility=peer_visibility)
    case = _open_case(cohort)
    submission, _ = submit_homework(case, make_member(cohort), "同学的**作业**", now=NOW)
    return cohort, case, submission


def _talk_url(cohort, submission, what):
    return f"/c/{cohort.slug}/homework/{submission.id}/{what}"


# likes ----------------------------------------------------------------------------------

def test_like_answers_json_with_the_new_count_and_unlike_takes_it_back(client, login_as):
    cohort, _case, submission = _peer_work()
    Like.create(submission=submission, user=make_member(cohort), created_at=NOW)
    reader = login_as(make_member(cohort))
    url = _talk_url(cohort, submission, "like")

    liked = client.post(url, headers=JSON)
    unliked = client.post(url, headers=JSON)

    assert (liked.status_code, liked.get_json()) == (200, {"liked": True, "likes": 2})
    assert (unliked.status_code, unliked.get_json()) == (200, {"liked": False, "likes": 1})
    assert Like.select().where(Like.user == reader).count() == 0


def test_like_from_a_plain_form_redirects_to_the_card_as_before(client, login_as):
    cohort, case, submission = _peer_work()
    login_as(make_member(cohort))

    response = client.post(_talk_url(cohort, submission, "like"))

    assert response.status_code == 302
    assert response.headers["Location"] == (f"/c/{cohort.slug}/cases/{case.id}"
                                            f"#homework-{submission.id}")
    assert Like.select().count() == 1


def test_like_by_a_removed_learner_is_403_json_and_changes_nothing(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_member(cohort, status="removed"))

    response = client.post(_talk_url(cohort, submission, "like"), headers=JSON)

    assert response.status_code == 403
    assert response.get_json()["error"]["status"] == 403
    assert "no longer a member" in response.get_json()["error"]["message"]
    assert Like.select().count() == 0


def test_like_by_someone_outside_the_cohort_is_403_json(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_user())

    response = client.post(_talk_url(cohort, submission, "like"), headers=JSON)

    assert (response.status_code, response.get_json()["error"]["status"]) == (403, 403)
    assert Like.select().count() == 0


def test_like_on_hidden_homework_is_404_json(client, login_as):
    cohort, _case, submission = _peer_work(peer_visibility="after_submission")
    login_as(make_member(cohort))  # has not written: may not read it

    response = client.post(_talk_url(cohort, submission, "like"), headers=JSON)

    assert (response.status_code, response.get_json()["error"]["status"]) == (404, 404)
    assert Like.select().count() == 0


def test_like_without_the_csrf_token_is_400_json(make_app):
    app = make_app()  # CSRF checked, as in a real browser
    cohort, _case, submission = _peer_work()
    reader = make_member(cohort)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": reader.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302

    response = client.post(_talk_url(cohort, submission, "like"), headers=JSON)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith("This form was open too long")
    assert Like.select().count() == 0


# comments -------------------------------------------------------------------------------

def test_comment_answers_json_with_its_html_and_the_count(client, login_as):
    cohort, _case, submission = _peer_work()
    add_comment(submission, make_member(cohort), "早来的评论", now=NOW)
    login_as(make_member(cohort, make_user(display_name="王大山")))

    response = client.post(_talk_url(cohort, submission, "comments"),
                           data={"body_md": "**学到了**"}, headers=JSON)

    made = Comment.select().order_by(Comment.id.desc()).first()
    answer = response.get_json()
    assert response.status_code == 201
    assert (answer["comments"], answer["message"]) == (2, "Comment posted.")
    assert answer["comment"]["id"] == made.id
    assert answer["comment"]["parent_id"] is None
    html = answer["comment"]["html"]
    assert html.startswith('<div class="comment">')
    assert "<strong>学到了</strong>" in html
    assert "<strong>王大山</strong>" in html
    assert '<span class="avatar small avatar-c' in html
    assert ">大山</span>" in html
    assert f'<input type="hidden" name="parent_id" value="{made.id}">' in html  # reply box
    assert made.body_md == "**学到了**"


def test_reply_answers_json_placed_under_its_comment(client, login_as):
    cohort, _case, submission = _peer_work()
    top = add_comment(submission, make_member(cohort), "第一条", now=NOW)
    login_as(make_member(cohort))

    response = client.post(_talk_url(cohort, submission, "comments"),
                           data={"body_md": "回复你", "parent_id": str(top.id)}, headers=JSON)

    answer = response.get_json()
    assert response.status_code == 201
    assert (answer["comment"]["parent_id"], answer["comments"]) == (top.id, 2)
    assert answer["comment"]["html"].startswith('<div class="comment reply">')
    assert "parent_id" not in answer["comment"]["html"]  # one level of replies: no box


def test_comment_empty_or_too_long_is_422_json_and_stores_nothing(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_member(cohort))
    url = _talk_url(cohort, submission, "comments")

    empty = client.post(url, data={"body_md": " \r\n\u3000"}, headers=JSON)
    long = client.post(url, data={"body_md": "长" * (LONG + 1)}, headers=JSON)
    nul = client.post(url, data={"body_md": "a\x00b"}, headers=JSON)

    assert [r.status_code for r in (empty, long, nul)] == [422, 422, 422]
    assert empty.get_json() == {"error": {"status": 422, "message": "Comment is required."}}
    assert long.get_json()["error"]["message"] == (
        f"Comment is {LONG + 1} characters long; the limit is {LONG}.")
    assert "NUL" in nul.get_json()["error"]["message"]
    assert Comment.select().count() == 0


def test_comment_errors_are_in_chinese_for_a_chinese_reader(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_member(cohort))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"

    response = client.post(_talk_url(cohort, submission, "comments"), data={"body_md": ""},
                           headers=JSON)

    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "请填写评论。"


def test_reply_to_a_comment_on_other_homework_is_404_json(client, login_as):
    cohort, case, submission = _peer_work()
    other, _ = submit_homework(case, make_member(cohort), "另一份", now=NOW)
    elsewhere = add_comment(other, make_member(cohort), "别处的评论", now=NOW)
    login_as(make_member(cohort))

    response = client.post(_talk_url(cohort, submission, "comments"),
                           data={"body_md": "回复", "parent_id": str(elsewhere.id)},
                           headers=JSON)

    assert (response.status_code, response.get_json()["error"]["status"]) == (404, 404)
    assert Comment.select().count() == 1


def test_comment_by_a_removed_learner_is_403_json(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_member(cohort, status="removed"))

    response = client.post(_talk_url(cohort, submission, "comments"),
                           data={"body_md": "还想说一句"}, headers=JSON)

    assert (response.status_code, response.get_json()["error"]["status"]) == (403, 403)
    assert Comment.select().count() == 0


def test_comment_from_a_plain_form_redirects_to_the_card_as_before(client, login_as):
    cohort, case, submission = _peer_work()
    login_as(make_member(cohort))

    response = client.post(_talk_url(cohort, submission, "comments"),
                           data={"body_md": "没有脚本也能评论"})

    assert response.status_code == 302
    assert response.headers["Location"] == (f"/c/{cohort.slug}/cases/{case.id}"
                                            f"#homework-{submission.id}")
    assert Comment.get().body_md == "没有脚本也能评论"


def test_comments_as_json_take_every_naughty_string(client, login_as):
    cohort, _case, submission = _peer_work()
    login_as(make_member(cohort))
    url = _talk_url(cohort, submission, "comments")
    failures, fragments = [], []
    for text in naughty_strings():
        before = Comment.select().count()
        response = client.post(url, data={"body_md": text}, headers=JSON)
        answer = response.get_json(silent=True)
        if refused(text):
            if (response.status_code, Comment.select().count(), answer) != (
                    422, before, {"error": {"status": 422, "message": "Comment is required."}}):
                failures.append(("refusal", text, response.status_code))
            continue
        newest = Comment.select().order_by(Comment.id.desc()).first()
        if response.status_code != 201 or newest.body_md != text \
                or answer["comment"]["id"] != newest.id:
            failures.append(("stored", text, response.status_code))
            continue
        fragments.append(answer["comment"]["html"])

    assert failures == []
    assert len(fragments) == 513
    assert executable_content("".join(fragments)) == []


# the case page ----------------------------------------------------------------------------

def _page(client, cohort, case):
    response = client.get(f"/c/{cohort.slug}/cases/{case.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_own_homework_shows_once_and_the_editor_waits_under_change(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    learner = login_as(make_member(cohort))
    client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                data={"body_md": "第一周先做**三件事**"})

    page = _page(client, cohort, case)

    assert page.count("<strong>三件事</strong>") == 1  # its card; no preview, no second copy
    assert page.count("第一周先做**三件事**") == 1  # the text to edit, in the editor
    own = Submission.get(Submission.user == learner)
    assert page.count(f'id="homework-{own.id}"') == 1
    editor = re.search(r'<details class="edit-box" id="edit-homework"( open)?>\s*<summary>'
                       r'<span class="done-mark">Submitted ✓</span> · '
                       r'<span class="edit-link">Change</span></summary>', page)
    assert editor is not None
    assert editor.group(1) is None  # folded
    assert page.index('id="edit-homework"') < page.index('id="homework-form"')
    assert "You submitted on" not in page


def test_a_refused_edit_opens_the_editor_with_the_text_as_typed(client, login_as):
    cohort = make_cohort(homework_min_length=5)
    case = _open_case(cohort)
    learner = login_as(make_member(cohort))
    submit_homework(case, learner, "原来写的已经够五个字", now=NOW)

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "太短"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<details class="edit-box" id="edit-homework" open>' in page
    assert ">太短</textarea>" in page
    assert Submission.get(Submission.user == learner).body_md == "原来写的已经够五个字"


def test_chinese_page_folds_comments_under_their_count(client, login_as):
    cohort, case, submission = _peer_work()
    reader = make_member(cohort)
    add_comment(submission, reader, "第一条", now=NOW)
    top = add_comment(submission, make_member(cohort), "第二条", now=NOW)
    add_comment(submission, reader, "回复", parent=top, now=NOW)
    login_as(reader)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"

    page = _page(client, cohort, case)

    card = page[page.index(f'id="homework-{submission.id}"'):]
    card = card[:card.index("</article>")]
    assert re.search(r'<details class="talk" id="comments-\d+">\s*<summary>评论 '
                     r'\(<span class="talk-count">3</span>\)</summary>', card)
    assert card.count('<div class="comment">') == 2
    assert card.count('<div class="comment reply">') == 1
    assert card.index("<summary>评论") < card.index('<form method="post" action="/c/'
                                                    f'{cohort.slug}/homework/{submission.id}'
                                                    '/comments" class="comment-form"')


def test_cards_show_initials_or_the_photo(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    xiaoyu = make_member(cohort, make_user(display_name="林小雨"))
    grace = make_member(cohort, make_user(display_name="Grace Tan"))
    pictured = make_member(cohort, make_user(display_name="有照片",
                                             photo="a" * 52 + "12345678abcd"))
    for user in (xiaoyu, grace, pictured):
        submit_homework(case, user, f"{user.display_name}的作业", now=NOW)
    login_as(make_member(cohort))

    page = _page(client, cohort, case)

    assert (f'<span class="avatar avatar-c{xiaoyu.id % COLOURS}" aria-hidden="true">小雨'
            '</span>') in page
    assert f'<span class="avatar avatar-c{grace.id % COLOURS}" aria-hidden="true">GT</span>' \
        in page
    assert (f'<img class="avatar" src="/u/{pictured.id}/photo.jpg?v=12345678" alt="" '
            'width="36" height="36" loading="lazy">') in page


def test_initials_for_chinese_english_and_odd_names():
    names = ["林小雨", "王明", "欧阳娜娜", "雨", "Chen Hao", "grace", "Mary Jane Watson",
             "Amy 王", "  ", "", "🙂🙂", "@小雨", "O'Neil"]

    assert [initials(n) for n in names] == [
        "小雨", "王明", "娜娜", "雨", "CH", "G", "MW", "王", "?", "?", "?", "小雨", "O"]
    assert all(1 <= len(initials(text)) <= 2 for text in naughty_strings())


def test_case_page_queries_do_not_grow_with_peers_comments_and_photos(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    reader = make_member(cohort)
    submit_homework(case, reader, "我的", now=NOW)
    login_as(reader)
    client.get("/")

    def with_peers(count):
        for _ in range(count):
            user = make_member(cohort, make_user(photo="b" * 64))
            made, _ = submit_homework(case, user, "同学的作业", now=NOW)
            top = add_comment(made, reader, "评论", now=NOW)
            add_comment(made, user, "回复", parent=top, now=NOW)
        with count_queries() as statements:
            assert client.get(f"/c/{cohort.slug}/cases/{case.id}").status_code == 200
        return len(statements)

    few = with_peers(2)
    assert with_peers(6) == few
