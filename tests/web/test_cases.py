"""Cases in the browser: who sees which case when, the editor, images, revisions, the schedule.

Every test starts at timeline.START (the clock fixture); times here are relative to it.
"""
import io
import json
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.domain.cases.editing import archive_case, create_case
from learnclub.domain.cases.schedule import DEFAULT_PUBLISH_TIME, next_wall_time
from learnclub.models import Case, CaseFile, CaseRevision, OutboxMessage
from tests import corpora
from tests.factories import PASSWORD, make_cohort, make_member, make_user
from tests.timeline import START, Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: the evening after the test starts: 20:00 in Shanghai, as the editor's form writes it
EVENING = (START + timedelta(days=1)).replace(hour=12, minute=0)
EVENING_FORM = EVENING.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")

def shown(instant):
    """A time as pages write it in English, in the cohort's zone: "Wed 9 Dec, 20:00"."""
    local = instant.astimezone(SHANGHAI)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"



def png_bytes(width=3, height=2):
    """A real PNG image, built by hand: signature, IHDR, IDAT, IEND."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    pixels = b"".join(b"\x00" + b"\xd0\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels))
            + chunk(b"IEND", b""))


def html_of(response):
    return response.get_data(as_text=True)


def signed_in(app, user):
    """A browser of its own for `user`, preferring English."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, html_of(response)
    return browser


def input_values(html, field):
    """The value attribute of the <input> named `field`, as the page shows it."""
    return re.findall(rf'<input[^>]* name="{field}"[^>]* value="([^"]*)"', html)


def errors_of(response, field):
    return re.findall(rf'<p class="error" id="{field}-error">([^<]*)</p>', html_of(response))


def flashes_of(response):
    return re.findall(r'<p class="flash (\w+)"[^>]*>([^<]*)</p>', html_of(response))


def new_case(cohort, *, title="案例", publish_at=None, **values):
    """A case written straight through the domain (not the editor)."""
    fields = {"title": title, "body_md": values.pop("body_md", "正文"),
              "homework_prompt": values.pop("homework_prompt", ""), "publish_at": publish_at}
    fields.update(values)
    return create_case(cohort, fields, actor=None, now=clock.now())


def case_row(case_id):
    case = Case.get_by_id(case_id)
    return {f: getattr(case, f) for f in ("title", "body_md", "homework_prompt", "tags",
                                          "publish_at", "publish_fixed", "due_at_fixed",
                                          "archived_at", "updated_at")}


def editor_form(**overrides):
    form = {"title": "小区生鲜团购", "body_md": "## 第一周做什么\n\n拉群、立规矩、找团长。",
            "homework_prompt": "第一周你会做哪三件事?", "tags": "社群新零售, 生鲜",
            "publish_at": "", "due_at": "", "action": "save"}
    form.update(overrides)
    return form


@pytest.fixture
def cohort(app):
    host = make_user(can_host=True)
    return make_cohort(host=host, slug="lab")


@pytest.fixture
def host(cohort):
    return cohort.created_by


@pytest.fixture
def as_host(app, host):
    return signed_in(app, host)


@pytest.fixture
def as_learner(app, cohort):
    return signed_in(app, make_member(cohort))


# Who sees a case when -----------------------------------------------------------------------

def test_case_page_queued_case_hidden_from_learner_shown_to_staff(app, cohort, as_learner,
                                                                  as_host):
    case = new_case(cohort, title="还在队列里的案例")
    as_assistant = signed_in(app, make_member(cohort, role="assistant"))
    url = f"/c/lab/cases/{case.id}"

    statuses = [b.get(url).status_code for b in (as_learner, as_host, as_assistant)]

    assert case.publish_at > clock.now()
    assert statuses == [404, 200, 200]
    assert html_of(as_assistant.get(url)).count("<h1>还在队列里的案例</h1>") == 1


def test_case_page_after_publish_time_shown_to_learner(cohort, as_learner):
    case = new_case(cohort, title="已经发布的案例", publish_at=clock.now() - timedelta(minutes=1))

    response = as_learner.get(f"/c/lab/cases/{case.id}")

    assert response.status_code == 200
    assert html_of(response).count("<h1>已经发布的案例</h1>") == 1


def test_case_page_removed_member_gets_403_with_reason(app, cohort):
    case = new_case(cohort, publish_at=clock.now() - timedelta(days=1))
    removed = signed_in(app, make_member(cohort, status="removed"))

    response = removed.get(f"/c/lab/cases/{case.id}")

    assert response.status_code == 403
    assert html_of(response).count(
        "You are no longer a member of this cohort, so this page is closed to you. Your own "
        "past homework stays readable, and exportable, under My homework.") == 1


def test_case_page_outsider_gets_403(app, cohort):
    case = new_case(cohort, publish_at=clock.now() - timedelta(days=1))
    outsider = signed_in(app, make_user())

    response = outsider.get(f"/c/lab/cases/{case.id}")

    assert response.status_code == 403
    assert html_of(response).count(
        "This page is for members of the cohort with the right role.") == 1


def test_case_page_archived_case_is_404_for_learner(cohort, as_learner, as_host):
    case = new_case(cohort, publish_at=clock.now() - timedelta(days=1))
    archive_case(case, now=clock.now())

    statuses = [b.get(f"/c/lab/cases/{case.id}").status_code for b in (as_learner, as_host)]

    assert statuses == [404, 200]


def test_case_list_shows_learner_only_published_cases(cohort, as_learner):
    now = clock.now()
    new_case(cohort, title="第一个案例", publish_at=now - timedelta(days=5))
    new_case(cohort, title="第二个案例", publish_at=now - timedelta(days=1))
    new_case(cohort, title="明天的案例", publish_at=now + timedelta(days=1))
    archive_case(new_case(cohort, title="归档的案例", publish_at=now - timedelta(days=3)), now=now)
    new_case(cohort, title="队列里的案例")

    html = html_of(as_learner.get("/c/lab/cases/"))

    assert re.findall(r"<h2><a href=\"[^\"]+\">([^<]*)</a></h2>", html) == [
        "第二个案例", "第一个案例"]


# The editor ---------------------------------------------------------------------------------

def test_case_editor_host_creates_case_in_cohort_zone(as_host):
    response = as_host.post("/c/lab/cases/new", data=editor_form(publish_at=EVENING_FORM))

    case = Case.get()
    assert (response.status_code, response.headers["Location"]) == (
        302, f"/c/lab/cases/{case.id}/edit")
    assert {k: v for k, v in case_row(case.id).items() if k != "updated_at"} == {
        "title": "小区生鲜团购", "body_md": "## 第一周做什么\n\n拉群、立规矩、找团长。",
        "homework_prompt": "第一周你会做哪三件事?", "tags": "社群新零售, 生鲜",
        "publish_at": EVENING, "publish_fixed": True,
        "due_at_fixed": None, "archived_at": None}


def test_case_page_chinese_heading_gets_chinese_id(as_host):
    as_host.post("/c/lab/cases/new", data=editor_form(publish_at=EVENING_FORM))

    html = html_of(as_host.get(f"/c/lab/cases/{Case.get().id}"))

    assert html.count('<h2 id="case:第一周做什么">第一周做什么</h2>') == 1


def test_case_editor_stores_the_html_and_an_edit_renews_it(cohort, as_host):
    as_host.post("/c/lab/cases/new", data=editor_form(body_md="## 第一周\n\n![图](images/a.png)"))
    case = Case.get()
    made = case.body_html
    Case.update(body_html="<p>存下的</p>").where(Case.id == case.id).execute()
    shown_stored = html_of(as_host.get(f"/c/lab/cases/{case.id}"))

    as_host.post(f"/c/lab/cases/{case.id}/edit", data=editor_form(body_md="**第二版**"))
    edited = Case.get_by_id(case.id).body_html
    shown_edited = html_of(as_host.get(f"/c/lab/cases/{case.id}"))

    assert made == ('<h2 id="case:第一周">第一周</h2>\n<p><img alt="图" '
                    f'src="/c/lab/cases/{case.id}/files/images/a.png"></p>')
    assert "<p>存下的</p>" in shown_stored  # the page reads it, renders nothing
    assert edited == "<p><strong>第二版</strong></p>"
    assert edited in shown_edited
    assert "存下的" not in shown_edited


def test_case_page_renders_a_case_stored_without_html(cohort, as_host):
    as_host.post("/c/lab/cases/new", data=editor_form())
    case = Case.get()
    Case.update(body_html=None).where(Case.id == case.id).execute()  # as before 0038's run

    html = html_of(as_host.get(f"/c/lab/cases/{case.id}"))

    assert html.count('<h2 id="case:第一周做什么">第一周做什么</h2>') == 1


def test_case_editor_cleared_publish_time_puts_case_back_in_queue(cohort, as_host):
    case = new_case(cohort, publish_at=EVENING)
    before = clock.now()

    response = as_host.post(f"/c/lab/cases/{case.id}/edit", data=editor_form(publish_at=""))

    row = case_row(case.id)
    queued_at = next_wall_time(before + timedelta(hours=12), DEFAULT_PUBLISH_TIME, SHANGHAI)
    assert response.status_code == 302
    assert (row["publish_fixed"], row["publish_at"]) == (False, queued_at)


def test_case_editor_due_before_publish_refused(cohort, as_host):
    case = new_case(cohort, title="原来的标题", publish_at=EVENING)
    before = case_row(case.id)

    response = as_host.post(f"/c/lab/cases/{case.id}/edit", data=editor_form(
        title="新标题", publish_at=EVENING_FORM, due_at=EVENING_FORM.replace("20:00", "19:00")))

    assert response.status_code == 200
    assert errors_of(response, "due_at") == ["The due time must come after the publication time."]
    assert case_row(case.id) == before
    assert CaseRevision.select().count() == 0


def test_case_editor_md_file_fills_form_without_saving(as_host):
    text = ("---\ntitle: 付费读书会:三百人的群怎么活下来\npublish_at: 2026-12-07 20:00\n"
            "homework: 你会怎么设计第一次线下活动?\ntags: [读书会, 付费社群]\n"
            "---\n# 开场\n\n正文。\n")

    response = as_host.post("/c/lab/cases/new", data={
        "action": "save", "md_file": (io.BytesIO(text.encode()), "02-dushuhui.md")},
        content_type="multipart/form-data")

    html = html_of(response)
    assert response.status_code == 200
    assert input_values(html, "title") == ["付费读书会:三百人的群怎么活下来"]
    assert input_values(html, "publish_at") == ["2026-12-07T20:00"]
    assert input_values(html, "tags") == ["读书会, 付费社群"]
    assert re.findall(r'<textarea id="homework_prompt" name="homework_prompt">\s*([^<]*)'
                      r'</textarea>', html) == ["你会怎么设计第一次线下活动?"]
    assert Case.select().count() == 0


def test_case_editor_broken_md_file_shows_line(as_host):
    text = "---\ntitle: 付费读书会\nhomework: 做什么: 怎么做\n---\n正文\n"

    response = as_host.post("/c/lab/cases/new", data={
        "action": "save", "md_file": (io.BytesIO(text.encode()), "broken.md")},
        content_type="multipart/form-data")

    assert response.status_code == 200
    assert errors_of(response, "md_file") == [
        "line 3: the YAML front matter is broken (mapping values are not allowed here). "
        "Check indentation and quote values that contain &#39;:&#39; or &#39;#&#39;."]
    assert Case.select().count() == 0


def test_case_editor_preview_action_renders_and_saves_nothing(cohort, as_host):
    case = new_case(cohort, title="原来的标题", body_md="原来的正文")
    before = case_row(case.id)

    created = as_host.post("/c/lab/cases/new", data=editor_form(action="preview"))
    edited = as_host.post(f"/c/lab/cases/{case.id}/edit", data=editor_form(
        title="新标题", body_md="**新的**正文", action="preview"))

    preview = re.compile(r'<div class="prose" id="case-preview" aria-live="polite">(.*?)</div>',
                         re.S)
    assert (created.status_code, edited.status_code) == (200, 200)
    assert preview.findall(html_of(created)) == [
        '<h2 id="case:第一周做什么">第一周做什么</h2>\n<p>拉群、立规矩、找团长。</p>']
    assert preview.findall(html_of(edited)) == ["<p><strong>新的</strong>正文</p>"]
    assert [c.id for c in Case.select()] == [case.id]
    assert case_row(case.id) == before


def test_case_preview_endpoint_returns_sanitised_html(as_host):
    response = as_host.post("/c/lab/cases/preview", data={
        "body_md": "# 标题\n\n<script>alert('x')</script>\n\n正文 <img src=x onerror=alert(1)>"})

    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert json.loads(response.data) == {
        "html": '<h1 id="case:标题">标题</h1>\n\n\n<p>正文 <img src="x"></p>'}


# Images -------------------------------------------------------------------------------------

def upload(browser, case, data, filename):
    return browser.post(f"/c/lab/cases/{case.id}/images",
                        data={"image": (io.BytesIO(data), filename)},
                        content_type="multipart/form-data", follow_redirects=True)


def test_case_image_upload_png_served_back_identical(cohort, as_host, as_learner):
    case = new_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    image = png_bytes()

    uploaded = upload(as_host, case, image, "自提点 地图.png")

    stored = CaseFile.get()
    served = as_learner.get(f"/c/lab/cases/{case.id}/files/{stored.name}")
    body = served.data
    served.close()
    assert flashes_of(uploaded) == [
        ("success", "Image uploaded. Put it in the text with: ![](自提点-地图.png)")]
    assert (stored.name, stored.content_type, stored.size) == ("自提点-地图.png", "image/png",
                                                                len(image))
    assert (served.status_code, served.mimetype, body) == (200, "image/png", image)


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "map.svg",
     "Upload a PNG, JPEG, GIF or WebP image."),
    ("这其实是一段文字,不是图片".encode(), "notes.png", "Upload a PNG, JPEG, GIF or WebP image."),
    (png_bytes() + b"\x00" * (5 * 1024 * 1024), "huge.png",
     "The image is larger than 5 MB; make it smaller."),
], ids=["svg", "text-named-png", "over-5mb"])
def test_case_image_upload_refused(cohort, as_host, data, filename, message):
    case = new_case(cohort)

    response = upload(as_host, case, data, filename)

    assert response.status_code == 200
    assert flashes_of(response) == [("error", message)]
    assert CaseFile.select().count() == 0


# Revisions, schedule, queue, archive --------------------------------------------------------

def test_case_editor_published_case_edit_keeps_revision_and_shows_diff(cohort, as_host):
    case = new_case(cohort, title="小区生鲜团购", body_md="第一段\n\n旧的第二段",
                    homework_prompt="旧的作业题", publish_at=clock.now() - timedelta(days=1))

    response = as_host.post(f"/c/lab/cases/{case.id}/edit", data=editor_form(
        title="小区生鲜团购", body_md="第一段\n\n新的第二段", homework_prompt="旧的作业题"))
    page = html_of(as_host.get(f"/c/lab/cases/{case.id}/revisions"))

    assert response.status_code == 302
    assert [(r.title, r.body_md, r.homework_prompt, r.source) for r in CaseRevision.select()] \
        == [("小区生鲜团购", "第一段\n\n旧的第二段", "旧的作业题", "editor")]
    assert re.findall(r'<span class="(add|del)">([^<]*)</span>', page) == [
        ("del", "-旧的第二段"), ("add", "+新的第二段")]


def test_schedule_single_case_lists_due_time_and_warns_queue_dry(cohort, as_host):
    publish = datetime.combine((clock.now() + timedelta(days=2)).astimezone(SHANGHAI).date(),
                               DEFAULT_PUBLISH_TIME, tzinfo=SHANGHAI)
    new_case(cohort, title="唯一的案例", publish_at=publish.astimezone(UTC))
    due = publish + timedelta(hours=72)
    dry = publish + timedelta(days=5)

    html = html_of(as_host.get("/c/lab/schedule"))

    rows = re.findall(r'<tr class="coming">\s*<td>([^<]*)<br>.*?<a href="[^"]+">([^<]*)</a>.*?'
                      r"<td>([^<]*)<br>", html, re.S)
    assert rows == [(f"{shown(publish)}", "唯一的案例", f"{shown(due)}")]
    warnings = re.findall(r'<p class="flash \w+" role="alert">The queue runs dry: after the '
                          r"last scheduled case nothing follows. Schedule the next case before "
                          r"([^(]+) \(", html)
    assert warnings == [f"{shown(dry)}"]


def test_schedule_full_queue_has_no_dry_warning(cohort, as_host):
    now = clock.now()
    new_case(cohort, title="第一个", publish_at=now + timedelta(days=1))
    new_case(cohort, title="第二个", publish_at=now + timedelta(days=6))

    html = html_of(as_host.get("/c/lab/schedule"))

    assert html.count('role="alert"') == 0
    assert re.findall(r'<a href="/c/lab/cases/\d+">([^<]*)</a>', html) == ["第一个", "第二个"]


@pytest.mark.parametrize(("moved", "action", "order"), [
    (1, "up", [1, 0, 2]), (1, "down", [0, 2, 1])])
def test_schedule_moving_a_queued_case_swaps_dates(cohort, as_host, moved, action, order):
    queue = [new_case(cohort, title=f"排队的案例{i}") for i in range(3)]
    dates = [Case.get_by_id(c.id).publish_at for c in queue]

    response = as_host.post(f"/c/lab/cases/{queue[moved].id}/{action}")

    assert response.status_code == 302
    assert sorted(dates) == dates
    assert [Case.get_by_id(queue[i].id).publish_at for i in order] == dates


def test_schedule_archive_and_restore_buttons(cohort, as_host, as_learner):
    case = new_case(cohort, title="要归档的案例", publish_at=clock.now() - timedelta(hours=2))

    archived = as_host.post(f"/c/lab/cases/{case.id}/archive", follow_redirects=True)
    while_archived = as_learner.get(f"/c/lab/cases/{case.id}").status_code
    archived_at = Case.get_by_id(case.id).archived_at
    restored = as_host.post(f"/c/lab/cases/{case.id}/restore")

    assert archived.status_code == 200
    assert html_of(archived).count('<ul class="cards"><li class="card">要归档的案例') == 1
    assert (while_archived, archived_at is not None) == (404, True)
    assert restored.status_code == 302
    assert Case.get_by_id(case.id).archived_at is None
    assert as_learner.get(f"/c/lab/cases/{case.id}").status_code == 200


def test_case_editor_routes_refuse_learner(cohort, as_learner):
    case = new_case(cohort, title="已发布", publish_at=clock.now() - timedelta(days=1))
    before = case_row(case.id)
    base = f"/c/lab/cases/{case.id}"
    routes = [("GET", "/c/lab/cases/new"), ("POST", "/c/lab/cases/new"),
              ("GET", f"{base}/edit"), ("POST", f"{base}/edit"),
              ("POST", "/c/lab/cases/preview"), ("POST", f"{base}/images"),
              ("POST", f"{base}/archive"), ("POST", f"{base}/restore"),
              ("POST", f"{base}/up"), ("POST", f"{base}/down"),
              ("GET", "/c/lab/schedule"), ("GET", f"{base}/revisions")]

    statuses = [(method, url, as_learner.open(url, method=method, data=editor_form(
        title="学员改的")).status_code) for method, url in routes]

    assert statuses == [(method, url, 403) for method, url in routes]
    assert case_row(case.id) == before
    assert Case.select().count() == 1


# Every naughty string -----------------------------------------------------------------------

def naughty_strings():
    strings = corpora.naughty_strings()
    assert len(strings) == 515
    return strings


def test_case_editor_takes_every_naughty_string(cohort, as_host):
    failures = []
    for text in naughty_strings():
        count = Case.select().count()
        response = as_host.post("/c/lab/cases/new", data=editor_form(
            title=text, body_md=text, homework_prompt=text))
        if not text.strip():
            if (Case.select().count(), errors_of(response, "title")) != (
                    count, ["Title is required."]):
                failures.append(("refusal", text, response.status_code))
            continue
        if response.status_code != 302:
            failures.append(("status", text, response.status_code))
            continue
        case = Case.get_by_id(int(response.headers["Location"].split("/")[-2]))
        if (case.title, case.body_md, case.homework_prompt) != (text, text, text):
            failures.append(("stored", text, case.title, case.body_md, case.homework_prompt))
        page = as_host.get(f"/c/lab/cases/{case.id}")
        if page.status_code != 200 or f"<h1>{escape(text)}</h1>" not in html_of(page):
            failures.append(("page", text, page.status_code))
        # archived: the next case's page then reads a short schedule, keeping the loop fast
        archive_case(case, now=clock.now())
    assert failures == []
    assert Case.select().count() == 513


# Due times learners were shown (issue 13 points 3, 7, 11) --------------------------------

PREVIEW = {
    "en": "This moves the due time earlier: it affects 2 learners, 1 of them have not written "
          "yet. Check the box to confirm; they will be mailed.",
    "zh_Hans_CN": "这会把截止时间提前：影响 2 位学员，其中 1 位还没有写作业。请勾选确认；"
                  "系统会给他们发邮件。",
}


def out_case_with_two_learners(cohort):
    """A case out for an hour, announced; two learners, one of whom has written."""
    from learnclub.domain.cases.announcements import announce_cases
    from learnclub.domain.homework.submission import submit_homework
    soon = clock.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    case = new_case(cohort, title="案例一", publish_at=soon)
    Clock.travel_to(clock.now() + timedelta(hours=2))
    announce_cases(now=clock.now(), base_url="http://localhost")
    wrote = make_member(cohort)
    make_member(cohort)
    submit_homework(case, wrote, "我的三点", now=clock.now())
    return Case.get_by_id(case.id)


def local_form(instant):
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("locale", ["en", "zh_Hans_CN"])
def test_case_editor_earlier_due_shows_preview_then_confirm_saves(app, cohort, host, locale):
    browser = signed_in(app, host)
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN" if locale == "zh_Hans_CN" else "en"
    case = out_case_with_two_learners(cohort)
    earlier = case.publish_at + timedelta(hours=48)
    form = editor_form(title="案例一", publish_mode="fixed",
                       publish_at=local_form(case.publish_at), due_at=local_form(earlier))

    preview = browser.post(f"/c/lab/cases/{case.id}/edit", data=form)
    kept = Case.get_by_id(case.id).due_at_fixed
    confirmed = browser.post(f"/c/lab/cases/{case.id}/edit", data={**form, "confirm_earlier": "y"})

    assert (preview.status_code, errors_of(preview, "due_at"), kept) == (
        200, [PREVIEW[locale]], None)
    assert 'name="confirm_earlier"' in html_of(preview)
    assert (confirmed.status_code, Case.get_by_id(case.id).due_at_fixed) == (302, earlier)
    assert OutboxMessage.select().where(OutboxMessage.key.contains(":due:")).count() == 2


def test_case_editor_publish_now_says_when_it_goes_out_and_is_due(cohort, as_host):
    new_case(cohort, title="已发布", publish_at=clock.now() - timedelta(days=1))
    now = clock.now().replace(second=0, microsecond=0)

    # the case out since yesterday is still open: the host keeps both open
    response = as_host.post("/c/lab/cases/new", data=editor_form(publish_mode="now",
                                                                 overlap="both"),
                            follow_redirects=True)

    case = Case.select().order_by(Case.id.desc()).get()
    due = (now + timedelta(days=3)).astimezone(SHANGHAI)
    assert (case.publish_at, case.publish_fixed) == (now, True)
    assert ("info", f"It goes out on {shown(now.astimezone(SHANGHAI))} and homework is "
            f"due on {shown(due)} (Beijing time).") in flashes_of(response)


def test_case_editor_offers_next_in_queue_with_expected_time(cohort, as_host):
    queued = next_wall_time(clock.now() + timedelta(hours=12), DEFAULT_PUBLISH_TIME, SHANGHAI)

    html = html_of(as_host.get("/c/lab/cases/new"))

    assert (f"Next in the queue (expected {shown(queued.astimezone(SHANGHAI))})"
            in html, "Publish now" in html, "At a fixed time" in html) == (True, True, True)


def test_case_editor_queue_mode_ignores_a_typed_time(cohort, as_host):
    as_host.post("/c/lab/cases/new", data=editor_form(publish_mode="queue",
                                                      publish_at=EVENING_FORM))

    assert Case.get().publish_fixed is False


def test_schedule_says_why_queued_case_goes_after_pinned_one(cohort, as_host):
    first = next_wall_time(clock.now() + timedelta(hours=12), DEFAULT_PUBLISH_TIME, SHANGHAI)
    pinned = new_case(cohort, title="固定", publish_at=first + timedelta(days=1))
    new_case(cohort, title="排队")

    html = html_of(as_host.get("/c/lab/schedule"))

    assert (f"after the pinned case of {shown(pinned.publish_at.astimezone(SHANGHAI))}: "
            "before it, it would have gone out less than 3 days ahead of it") in html


def _open_first_case(cohort):
    soon = clock.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    first = new_case(cohort, title="案例一", publish_at=soon)
    Clock.travel_to(clock.now() + timedelta(hours=2))
    return first, first.publish_at + timedelta(days=3)


def test_case_editor_asks_before_saving_over_an_open_window(cohort, as_host):
    first, due = _open_first_case(cohort)

    response = as_host.post("/c/lab/cases/new", data=editor_form(publish_mode="now"))

    html = html_of(response)
    assert (response.status_code, Case.select().count()) == (200, 1)
    assert "is still open until its due time when this case goes out" in html
    assert f"That homework is due on {shown(due.astimezone(SHANGHAI))}." in html
    assert ('value="both"' in html, 'value="after"' in html) == (True, True)


def test_case_editor_early_case_keeps_previous_window_and_says_so(cohort, as_host):
    first, due = _open_first_case(cohort)

    response = as_host.post("/c/lab/cases/new", data=editor_form(publish_mode="now",
                                                                 overlap="both"),
                            follow_redirects=True)

    assert ("info", f"The homework of “案例一” stays open until "
            f"{shown(due.astimezone(SHANGHAI))}, after this case goes out. To shorten "
            "its window, set its due time in its editor.") in flashes_of(response)
    assert Case.get_by_id(first.id).due_shown_at == due
    assert Case.get(Case.title != "案例一").publish_at == clock.now().replace(second=0,
                                                                             microsecond=0)


def test_case_editor_can_send_the_case_when_the_open_window_ends(cohort, as_host):
    first, due = _open_first_case(cohort)

    as_host.post("/c/lab/cases/new", data=editor_form(publish_mode="now", overlap="after"))

    later = Case.get(Case.id != first.id)
    assert (later.publish_at, later.publish_fixed, Case.get_by_id(first.id).due_shown_at) == (
        due, True, due)
