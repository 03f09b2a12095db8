"""Homework through the case page: writing, refusing, reading peers, the talk around it."""
import re
from datetime import timedelta

from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Comment, Like, Membership, Submission
from tests.factories import make_case, make_cohort, make_member
from tests.timeline import START

NOW = START  #: where the clock fixture starts every test


def _open_case(cohort, **values):
    """A case out an hour ago, so its homework is open now."""
    return make_case(cohort, publish_at=NOW - timedelta(hours=1), **values)


def test_learner_submits_and_sees_it_on_the_case_page(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    learner = login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "## 我的三件事\n1. 建群"})

    assert response.status_code == 302
    assert Submission.get(Submission.user == learner).body_md == "## 我的三件事\n1. 建群"
    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)
    own = Submission.get(Submission.user == learner)  # its anchors are its own on the page
    assert f'<h2 id="s{own.id}:我的三件事">我的三件事</h2>' in page


def test_closed_homework_is_refused_and_the_text_is_kept_on_the_page(client, login_as):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=90))  # due 72 h + grace 12 h ago
    learner = login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "页面开着写了很久"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "closed at the end of the grace period" in page
    assert "页面开着写了很久" in page
    assert Submission.select().where(Submission.user == learner).count() == 0


def test_late_submission_says_how_late(client, login_as):
    cohort = make_cohort()
    case = make_case(cohort, publish_at=NOW - timedelta(hours=75))  # due 3 h ago
    login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "晚了一点"}, follow_redirects=True)

    assert re.search(r"marked late \(3 h \d+ min late\)", response.get_data(as_text=True))


def test_minimum_length_message_on_the_page(client, login_as):
    cohort = make_cohort(homework_min_length=10)
    case = _open_case(cohort)
    login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "太短"})

    assert response.status_code == 422
    assert "Write at least 10 characters or words: 8 more to go." in response.get_data(
        as_text=True)


def test_preview_action_saves_nothing(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    login_as(make_member(cohort))

    response = client.post(f"/c/{cohort.slug}/cases/{case.id}/homework",
                           data={"body_md": "**先看看**", "action": "preview"})

    assert "<strong>先看看</strong>" in response.get_data(as_text=True)
    assert Submission.select().count() == 0


def test_peers_are_hidden_until_own_submission(client, login_as):
    cohort = make_cohort()
    case = _open_case(cohort)
    peer = make_member(cohort)
    submit_homework(case, peer, "同学的作业内容", now=NOW)
    learner = login_as(make_member(cohort))

    before = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)
    submit_homework(case, learner, "我的作业内容", now=NOW)
    after = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    assert ("同学的作业内容" in before, "同学的作业内容" in after) == (False, True)


def test_peers_visible_always_when_the_cohort_says_so(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    submit_homework(case, make_member(cohort), "同学的作业内容", now=NOW)
    login_as(make_member(cohort))

    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    assert "同学的作业内容" in page


def test_featured_homework_is_shown_first(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    first, _ = submit_homework(case, make_member(cohort), "早交的普通作业", now=NOW)
    best, _ = submit_homework(case, make_member(cohort), "晚交的精选作业", now=NOW)
    login_as(cohort.created_by)
    client.post(f"/c/{cohort.slug}/homework/{best.id}/feature")

    page = client.get(f"/c/{cohort.slug}/cases/{case.id}").get_data(as_text=True)

    assert page.index("晚交的精选作业") < page.index("早交的普通作业")
    assert first.id != best.id


def test_like_and_comment_through_the_page(client, login_as):
    cohort = make_cohort(peer_visibility="always")
    case = _open_case(cohort)
    submission, _ = submit_homework(case, make_member(cohort), "作业", now=NOW)
    reader = login_as(make_member(cohort))

    client.post(f"/c/{cohort.slug}/homework/{submission.id}/like")
    client.post(f"/c/{cohort.slug}/homework/{submission.id}/comments", data={"body_md": "学到了"})
    top = Comment.get()
    client.post(f"/c/{cohort.slug}/homework/{submission.id}/comments",
                data={"body_md": "补充一句", "parent_id": str(top.id)})

    assert Like.get().user_id == reader.id
    assert [(c.body_md, c.parent_id) for c in Comment.select().order_by(Comment.id)] == [
        ("学到了", None), ("补充一句", top.id)]


def test_my_homework_page_and_cohort_status_line_in_chinese(client, login_as):
    cohort = make_cohort()
    learner = login_as(make_member(cohort))
    for days in (12, 8, 4):
        case = make_case(cohort, publish_at=NOW - timedelta(days=days), title=f"{days}天前")
        submit_homework(case, learner, "写了", now=case.publish_at + timedelta(hours=1))
    _open_case(cohort, title="正在进行的案例")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"

    mine = client.get(f"/c/{cohort.slug}/homework/mine").get_data(as_text=True)
    page = client.get(f"/c/{cohort.slug}/").get_data(as_text=True)

    assert "正在进行的案例" in mine
    # the cohort's page is the learner's to-do home: the streak in its progress picture
    assert '<p class="streak"><strong>3</strong> 次连续提交 · 按时 3 / 3</p>' in page
    assert "去写作业" in page
    assert "你已连续提交 3 次" in mine


def test_case_list_shows_the_readers_own_homework_status(client, login_as):
    cohort = make_cohort()
    learner = login_as(make_member(cohort))
    Membership.update(joined_at=NOW - timedelta(days=30)).where(
        Membership.user == learner).execute()  # a member before every case went out
    done = make_case(cohort, publish_at=NOW - timedelta(days=8), title="交过的案例")
    make_case(cohort, publish_at=NOW - timedelta(days=5), title="没交的案例")
    _open_case(cohort, title="正在写的案例")
    submit_homework(done, learner, "写了", now=done.publish_at + timedelta(hours=1))

    page = client.get(f"/c/{cohort.slug}/cases/").get_data(as_text=True)

    statuses = re.findall(r'class="mine outcome-(\w+)"', page)
    assert statuses == ["todo", "missed", "on_time"]
