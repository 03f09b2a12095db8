"""render_markdown: whatever anyone writes comes out as safe HTML, and Markdown still works.

The corpora (Big List of Naughty Strings, an XSS payload list) live in tests/corpora/ with
their licences.
"""
import re
from html.parser import HTMLParser

import pytest

from learnclub.domain.rendering import render_markdown, same_site
from tests import corpora

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "form",
                  "input", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src"}
SAFE_SCHEMES = {"http", "https", "mailto"}
# what a browser ignores in a URL before it reads the scheme: C0 controls, space, DEL and
# (anywhere) tab and newlines; HTMLParser has already resolved character references
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def xss_payloads():
    lines = corpora.xss_payloads()
    return [line for line in lines if line]


def naughty_strings():
    return corpora.naughty_strings()


def url_scheme(value):
    """The scheme a browser would see in an href/src value, or None for a relative URL."""
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", value))
    return match.group(1).lower() if match else None


class ExecutableContentFinder(HTMLParser):
    """Collects every tag, attribute and URL in an HTML fragment that could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> tag")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            elif name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and url_scheme(value or "") not in SAFE_SCHEMES | {None}:
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def executable_content(html):
    finder = ExecutableContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


class Anchors(HTMLParser):
    """Every id, and every same-document link target, in an HTML fragment."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.ids, self.targets = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if (attrs.get("href") or "").startswith("#"):
            self.targets.append(attrs["href"][1:])


def unsafe_renderings(sources, **options):
    failures = []
    for source in sources:
        html = render_markdown(source, **options)
        problems = executable_content(html)
        if problems:
            failures.append((source, problems, html))
    return failures


def test_executable_content_finder_sees_what_it_looks_for():
    html = ('<p onclick="x" style="color:red"><script>1</script>'
            '<a href=" java\tscript:alert(1)">a</a><img src="data:image/png;base64,AA"/>'
            '<a href="/relative">r</a><a href="https://example.org">s</a>'
            '<a href="&#106;avascript:x">t</a></p>')
    assert executable_content(html) == [
        "onclick attribute on <p>", "style attribute on <p>", "<script> tag",
        "href=' java\\tscript:alert(1)' on <a>", "src='data:image/png;base64,AA' on <img>",
        "href='javascript:x' on <a>",
    ]


def test_render_markdown_every_xss_payload_is_inert():
    payloads = xss_payloads()
    assert len(payloads) == 6613

    failures = unsafe_renderings(payloads)

    assert failures == []


def test_render_markdown_every_xss_payload_is_inert_with_an_anchor_prefix():
    payloads = xss_payloads()

    failures = unsafe_renderings(payloads, anchor_prefix="s12:")
    outside = [(source, anchor) for source in payloads
               for anchor in Anchors(render_markdown(source, anchor_prefix="s12:")).ids
               if not anchor.startswith("s12:")]

    assert (failures, outside) == ([], [])


def test_render_markdown_every_naughty_string_is_inert():
    strings = naughty_strings()
    assert len(strings) == 515

    failures = unsafe_renderings(strings)

    assert failures == []


def test_render_markdown_table():
    html = render_markdown("| 周 | 案例 |\n|---|:-:|\n| 1 | 生鲜团购 |")

    assert html == ("<table>\n<thead>\n<tr>\n<th>周</th>\n<th>案例</th>\n</tr>\n</thead>\n"
                    "<tbody>\n<tr>\n<td>1</td>\n<td>生鲜团购</td>\n</tr>\n</tbody>\n</table>")


def test_render_markdown_fenced_code_escapes_its_content():
    html = render_markdown("```python\nprint('<b>社群</b>')\n```")

    assert html == ('<pre><code class="language-python">'
                    "print('&lt;b&gt;社群&lt;/b&gt;')\n</code></pre>")


def test_render_markdown_footnote():
    html = render_markdown("不在多而在分享[^1]\n\n[^1]: 群主语录")

    assert html.startswith('<p>不在多而在分享<sup id="fnref:1"><a class="footnote-ref" '
                           'href="#fn:1" rel="noopener noreferrer nofollow">1</a></sup></p>')
    assert '<li id="fn:1">\n<p>群主语录&nbsp;<a class="footnote-backref" href="#fnref:1"' in html


def test_render_markdown_chinese_heading_keeps_chinese_id():
    assert render_markdown("## 第一周做什么") == '<h2 id="第一周做什么">第一周做什么</h2>'


def test_render_markdown_chinese_emphasis():
    assert render_markdown("**重点**很重要") == "<p><strong>重点</strong>很重要</p>"


@pytest.mark.parametrize(("source", "expected"), [
    ("[官网](http://example.org/a)",
     '<p><a href="http://example.org/a" rel="noopener noreferrer nofollow">官网</a></p>'),
    ("[官网](https://example.org/a)",
     '<p><a href="https://example.org/a" rel="noopener noreferrer nofollow">官网</a></p>'),
    ("[写信](mailto:host@example.org)",
     '<p><a href="mailto:host@example.org" rel="noopener noreferrer nofollow">写信</a></p>'),
    ("[点我](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">点我</a></p>'),
    ("[点我](JavaScript:alert(1))", '<p><a rel="noopener noreferrer nofollow">点我</a></p>'),
    ("![图](javascript:alert(1))", "<p>图</p>"),  # an image with nothing left to load
])
def test_render_markdown_link_schemes(source, expected):
    assert render_markdown(source) == expected


def test_render_markdown_raw_html_is_shown_as_text():
    assert render_markdown("<b onclick=x>hi</b>") == "<p>&lt;b onclick=x&gt;hi&lt;/b&gt;</p>"


def test_render_markdown_raw_html_block_is_shown_as_text():
    html = render_markdown('<div>\n<script>alert("社群")</script>\n</div>')

    assert html == ("<p>&lt;div&gt;<br>\n&lt;script&gt;alert(\"社群\")&lt;/script&gt;<br>\n"
                    "&lt;/div&gt;</p>")


def test_render_markdown_empty_and_none():
    assert (render_markdown(""), render_markdown(None)) == ("", "")


# two headings alike, a footnote cited twice, a link to a heading, a link out of the page
ANCHORED = ("## 第一周\n\n## 第一周\n\n不在多[^1]而在分享[^1],见[上文](#第一周)与"
            "[官网](https://example.org/#a)\n\n[^1]: 群主语录")



def test_render_markdown_anchor_prefix_prefixes_every_id_and_in_document_link():
    html = render_markdown(ANCHORED, anchor_prefix="s12:")

    anchors = Anchors(html)
    assert anchors.ids == ["s12:第一周", "s12:第一周_1", "s12:fnref:1", "s12:fnref2:1", "s12:fn:1"]
    assert anchors.targets == ["s12:fn:1", "s12:fn:1", "s12:第一周", "s12:fnref:1",
                               "s12:fnref2:1"]
    assert [t for t in anchors.targets if t not in anchors.ids] == []
    assert '<a href="https://example.org/#a" rel="noopener noreferrer nofollow">官网</a>' in html


def test_render_markdown_without_anchor_prefix_is_unchanged():
    expected = (
        '<h2 id="第一周">第一周</h2>\n<h2 id="第一周_1">第一周</h2>\n<p>不在多<sup id="fnref:1">'
        '<a class="footnote-ref" href="#fn:1" rel="noopener noreferrer nofollow">1</a></sup>'
        '而在分享<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1" '
        'rel="noopener noreferrer nofollow">1</a></sup>,见<a href="#第一周" '
        'rel="noopener noreferrer nofollow">上文</a>与<a href="https://example.org/#a" '
        'rel="noopener noreferrer nofollow">官网</a></p>\n<div class="footnote">\n<hr>\n<ol>\n'
        '<li id="fn:1">\n<p>群主语录&nbsp;<a class="footnote-backref" href="#fnref:1" '
        'title="Jump back to footnote 1 in the text" rel="noopener noreferrer nofollow">↩</a>'
        '<a class="footnote-backref" href="#fnref2:1" title="Jump back to footnote 1 in the '
        'text" rel="noopener noreferrer nofollow">↩</a></p>\n</li>\n</ol>\n</div>')

    assert (render_markdown(ANCHORED), render_markdown(ANCHORED, anchor_prefix="")) == (
        expected, expected)


def test_render_markdown_anchor_prefix_leaves_a_bare_hash_alone():
    assert render_markdown("[回到顶部](#)", anchor_prefix="c3:") == (
        '<p><a href="#" rel="noopener noreferrer nofollow">回到顶部</a></p>')


@pytest.mark.parametrize("prefix", ['s1"', "s1 ", "#s1", "1s", "s1/", "s1?", "s1<", "第1:"])
def test_render_markdown_refuses_an_anchor_prefix_that_is_not_a_plain_name(prefix):
    with pytest.raises(ValueError, match="not an anchor prefix"):
        render_markdown("## 标题", anchor_prefix=prefix)


# What readers' browsers load ----------------------------------------------------------------

class Images(HTMLParser):
    """Every image source in an HTML fragment."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.sources = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src"))


REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(("source", "expected"), [
    ("![像素](https://tracker.example/p.gif?u=1&v=2)",
     f'<p><a href="https://tracker.example/p.gif?u=1&amp;v=2" {REL}>像素</a></p>'),
    ("![](http://tracker.example/p.gif)",
     f'<p><a href="http://tracker.example/p.gif" {REL}>http://tracker.example/p.gif</a></p>'),
    ("![像素](//tracker.example/p.gif)",
     f'<p><a href="//tracker.example/p.gif" {REL}>像素</a></p>'),
    ("![像素](https:tracker.example/p.gif)",
     f'<p><a href="https:tracker.example/p.gif" {REL}>像素</a></p>'),
    ("[![像素](https://tracker.example/p.gif)](https://example.org)",
     f'<p><a href="https://example.org" {REL}>像素</a></p>'),  # no link inside a link
])
def test_render_markdown_remote_image_becomes_a_link(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("![图](data:image/png;base64,iVBORw0KGgo=)", "<p>图</p>"),
    ("![](data:image/gif;base64,R0lGODlh)", "<p></p>"),
])
def test_render_markdown_data_image_is_not_shown(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize("source", ["![图](images/x.png)", "![图](/static/favicon.svg)",
                                    "![图](./x.png)"])
def test_render_markdown_relative_image_is_kept(source):
    assert Images(render_markdown(source)).sources == [source[5:-1]]


def test_render_markdown_case_images_load_from_its_files_and_site_only():
    html = render_markdown(
        "![一](x.png) ![二](https://learn.example/c/lab/cases/7/files/y.png) "
        "![三](https://tracker.example/y.png) ![四](https://learn.example.evil/y.png)",
        files_base="https://learn.example/c/lab/cases/7/files/", allow_html=True)

    assert Images(html).sources == ["https://learn.example/c/lab/cases/7/files/x.png",
                                    "https://learn.example/c/lab/cases/7/files/y.png"]
    assert f'<a href="https://tracker.example/y.png" {REL}>三</a>' in html
    assert f'<a href="https://learn.example.evil/y.png" {REL}>四</a>' in html


def test_render_markdown_hosts_raw_img_from_elsewhere_becomes_a_link():
    html = render_markdown('<img src="/\\tracker.example/p" alt="a>b" width="1">\n'
                           '<img src="HTTPS://tracker.example/p">', allow_html=True)

    assert html == (f'<p><a href="/\\tracker.example/p" {REL}>a&gt;b</a><br>\n'
                    f'<a href="HTTPS://tracker.example/p" {REL}>HTTPS://tracker.example/p</a>'
                    '</p>')


@pytest.mark.parametrize(("src", "local"), [
    ("x.png", True), ("/c/lab/x.png", True), ("?a=1", True), ("//t.example/x", False),
    ("/\\t.example/x", False), ("\\\\t.example/x", False), (" \t//t.example/x", False),
    ("/\t/t.example/x", False), ("https:t.example", False), ("HTTP://t.example/x", False),
    ("https://learn.example/x", False),
])
def test_same_site_without_a_files_base(src, local):
    assert same_site(src) is local


def test_every_xss_payload_loads_images_only_from_the_site():
    remote = [(source, src) for source in xss_payloads() for allow_html in (False, True)
              for src in Images(render_markdown(source, allow_html=allow_html)).sources
              if not same_site(src or "")]

    assert remote == []


def test_render_markdown_hosts_classes_are_dropped_but_the_renderers_own():
    html = render_markdown('<div class="flash error">已被移出</div>\n\n'
                           '<p class="footnote toc">x</p>\n\n```python\nprint(1)\n```',
                           allow_html=True)

    assert html == ('<div>已被移出</div>\n\n<p class="footnote toc">x</p>\n\n'
                    '<pre><code class="language-python">print(1)\n</code></pre>')


def test_render_markdown_hosts_ids_are_prefixed_and_in_page_links_still_match():
    html = render_markdown('<form id="x"></form><div id="homework-form">假表单</div>\n\n'
                           "[TOC]\n\n## 第一周\n\n见[第一周](#第一周)与[脚注](#fn:1)[^1]"
                           "\n\n[^1]: 注", allow_html=True)

    anchors = Anchors(html)
    assert 'id="homework-form"' not in html
    assert anchors.ids == ["case:homework-form", "case:第一周", "case:fnref:1", "case:fn:1"]
    assert anchors.targets == ["case:第一周", "case:第一周", "case:fn:1", "case:fn:1",
                               "case:fnref:1"]
    assert [t for t in anchors.targets if t not in anchors.ids] == []


def test_render_markdown_hosts_ids_take_the_callers_prefix_when_given():
    assert render_markdown("## 标题", allow_html=True, anchor_prefix="case7:") == (
        '<h2 id="case7:标题">标题</h2>')
