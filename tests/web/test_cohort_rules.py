"""The cohort's rules (群规) through the pages (docs/rules.md "Rules and announcements"): staff
write them, a member acknowledges the version in force, a change asks again, the banner shows
on cohort pages until one does, staff see who did, learners cannot write them, bad input is
refused, and the pages' queries do not grow with members."""
import re

import pytest
from markupsafe import escape

from learnclub import clock
from learnclub.domain.cohorts import rules
from learnclub.models import CohortEvent, CohortRules, RulesAcknowledgment
from tests import corpora
from tests.factories import make_cohort, make_member, make_user
from tests.query_count import count_queries

ENGLISH = {"Accept-Language": "en"}
BANNER = 'class="flash warn rules-banner"'


@pytest.fixture
def login_as(client, login_as):
    def _switch(user):
        client.post("/logout")
        return login_as(user)
    return _switch


@pytest.fixture
def lab(app):
    return make_cohort(host=make_user(can_host=True, locale="en", display_name="主持人"),
                       slug="lab")


def member(cohort, name=None, role="learner"):
    return make_member(cohort, make_user(locale="en", **({"display_name": name} if name
                                                          else {})), role=role)


def html(response):
    return response.get_data(as_text=True)


def write(client, text):
    return client.post("/c/lab/rules/edit", data={"body_md": text})


def agree(client, version):
    return client.post("/c/lab/rules/acknowledge", data={"version": str(version)})


def acked(user):
    return [(r.version) for r in RulesAcknowledgment.select()
            .join(rules.Membership).where(rules.Membership.user == user.id)]


def test_no_rules_no_banner(lab, client, login_as):
    login_as(member(lab))
    assert BANNER not in html(client.get("/c/lab/"))
    assert "The hosts have not written any rules yet." in html(
        client.get("/c/lab/rules", headers=ENGLISH))


def test_acknowledgment_flow_and_again_after_a_change(lab, client, login_as):
    learner = member(lab)
    login_as(lab.created_by)
    assert write(client, "1. 每个案例都写作业").status_code == 302
    assert CohortRules.get().version == 1
    login_as(learner)
    home = html(client.get("/c/lab/", headers=ENGLISH))
    assert BANNER in home
    assert 'href="/c/lab/rules"' in home
    assert BANNER in html(client.get("/c/lab/cases/"))  # every cohort page, not only the home
    page = html(client.get("/c/lab/rules", headers=ENGLISH))
    assert 'id="acknowledge-form"' in page
    assert 'name="version" type="hidden" value="1"' in page
    assert agree(client, 1).headers["Location"] == "/c/lab/"
    assert acked(learner) == [1]
    assert BANNER not in html(client.get("/c/lab/"))
    assert 'id="acknowledge-form"' not in html(client.get("/c/lab/rules"))

    login_as(lab.created_by)
    write(client, "1. 每个案例都写作业\n2. 不发广告")
    login_as(learner)
    assert BANNER in html(client.get("/c/lab/"))
    agree(client, 2)
    assert acked(learner) == [2]
    assert BANNER not in html(client.get("/c/lab/"))


def test_saving_the_same_text_keeps_the_version(lab, client, login_as):
    login_as(lab.created_by)
    write(client, "群规")
    write(client, "群规")
    assert CohortRules.get().version == 1
    changes = [e.changes for e in CohortEvent.select().where(CohortEvent.action == "rules_changed")]
    assert changes == ['{"version": [0, 1]}']


def test_agreeing_to_an_old_version_is_refused(lab, client, login_as):
    learner = member(lab)
    login_as(lab.created_by)
    write(client, "旧的")
    write(client, "新的")
    login_as(learner)
    response = client.post("/c/lab/rules/acknowledge", data={"version": "1"}, headers=ENGLISH)
    assert response.status_code == 200
    assert "The rules changed while you were reading them." in html(response)
    assert acked(learner) == []
    for bad in ("", "x", "99", "-1", "１"):
        assert agree(client, bad).status_code == 200
    assert acked(learner) == []


def test_staff_see_who_agreed(lab, client, login_as):
    first, _second = member(lab, "阿甲"), member(lab, "阿乙")
    login_as(lab.created_by)
    write(client, "群规")
    login_as(first)
    agree(client, 1)
    login_as(lab.created_by)
    page = html(client.get("/c/lab/rules", headers=ENGLISH))
    assert "Agreed to version 1: 1 of 2" in page
    listed = re.findall(r"<li>(\S+) · <span class=\"state( open)?\">", page)
    assert listed == [("阿乙", ""), ("阿甲", " open")]  # by name
    assert BANNER not in page  # staff write the rules, they need not agree


def test_guest_must_agree_too_and_removed_member_is_never_asked(lab):
    guest = member(lab, role="guest")
    rules.save_rules(lab, "群规", actor=lab.created_by, now=clock.now())
    in_force = rules.rules_of(lab)
    membership = rules.Membership.get(rules.Membership.user == guest.id)
    assert rules.needs_acknowledgment(membership, in_force) is True
    membership.status = "removed"
    assert rules.needs_acknowledgment(membership, in_force) is False


def test_learner_cannot_write_the_rules(lab, client, login_as):
    login_as(member(lab))
    assert write(client, "我说了算").status_code == 403
    assert client.get("/c/lab/rules/edit").status_code == 403
    assert CohortRules.select().count() == 0


def test_outsider_cannot_read_or_agree(lab, client, login_as):
    rules.save_rules(lab, "群规", actor=lab.created_by, now=clock.now())
    login_as(make_user())
    assert client.get("/c/lab/rules").status_code == 403
    assert agree(client, 1).status_code == 403


def test_too_long_rules_are_refused(lab, client, login_as):
    login_as(lab.created_by)
    response = client.post("/c/lab/rules/edit", data={"body_md": "字" * 20_001}, headers=ENGLISH)
    assert response.status_code == 200
    assert "Rules is 20001 characters long; the limit is 20000." in html(response)
    assert CohortRules.select().count() == 0


def test_every_naughty_string_is_stored_exactly_or_refused(lab, client, login_as):
    login_as(lab.created_by)
    failures = []
    for text in corpora.naughty_strings():
        before = CohortRules.get_or_none()
        response = write(client, text)
        after = CohortRules.get_or_none()
        if "\x00" in text:
            if response.status_code != 200 or (after and after.body_md) != (
                    before and before.body_md):
                failures.append(("refused", text))
        elif response.status_code != 302 or (text.strip() or before) and after.body_md != text:
            failures.append(("stored", text, response.status_code))
    assert failures == []


def test_xss_in_rules_never_runs(lab, client, login_as):
    learner = member(lab)
    payloads = corpora.xss_payloads()[::60]
    rules.save_rules(lab, "\n\n".join(payloads), actor=lab.created_by, now=clock.now())
    login_as(learner)
    page = html(client.get("/c/lab/rules"))
    assert "<script>alert(" not in page
    assert "onerror=" not in page.lower().replace(str(escape("onerror=")), "")


def _queries(client, path):
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("who", ["host", "learner"])
def test_rules_pages_queries_do_not_grow_with_members(lab, client, login_as, who):
    learner = member(lab)
    rules.save_rules(lab, "群规", actor=lab.created_by, now=clock.now())
    login_as(lab.created_by if who == "host" else learner)
    paths = ["/c/lab/", "/c/lab/rules", "/c/lab/cases/"]
    few = [_queries(client, p) for p in paths]
    for _n in range(6):
        other = member(lab)
        rules.acknowledge_rules(lab, other, version=1, now=clock.now())
        member(lab)
    many = [_queries(client, p) for p in paths]
    assert many == few
