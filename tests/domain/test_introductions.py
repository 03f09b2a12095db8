"""自我介绍 tags and 你可能想认识: tags are normalised the same way wherever they are typed,
and the directory's suggestions match one member's "looking for" to the others' "can offer",
with the reason, best first, never oneself and never a removed member."""
import pytest

from learnclub.domain.accounts import introductions, matching
from learnclub.domain.accounts.introductions import normalise_tag, parse_tags
from learnclub.domain.errors import DomainError
from learnclub.models import Membership, ProfileTag, User
from tests.factories import make_cohort, make_member, make_user
from tests.timeline import now

BASE = "http://localhost"


def introduce(user, offer="", seek="", text="你好，我是新来的。"):
    return introductions.save_introduction(user, introduction=text, offer=offer, seek=seek,
                                           now=now(), base_url=BASE)


@pytest.mark.parametrize(("typed", "stored"), [
    ("  社群运营 ", "社群运营"),
    ("Community   Building", "community building"),
    ("ＰＹＴＨＯＮ", "python"),  # full-width letters, as a Chinese keyboard types them
    ("\t写作\u3000课 ", "写作 课"),  # an ideographic space is a space too
    ("Straße", "strasse"),
])
def test_normalise_tag_trims_collapses_spaces_and_case_folds(typed, stored):
    assert normalise_tag(typed) == stored


def test_parse_tags_splits_on_commas_and_dedupes_in_order():
    typed = "社群运营、写作,Python，python；\n写作 ;  ,"
    assert parse_tags(typed) == ["社群运营", "写作", "python"]


def test_parse_tags_of_nothing_is_no_tags():
    assert parse_tags("  、 ,, ") == []


def test_check_tags_refuses_a_ninth_tag_naming_the_field():
    with pytest.raises(DomainError) as caught:
        introductions.check_tags("、".join(f"标签{n}" for n in range(9)), field="offer",
                                 label="I can offer")
    assert (caught.value.field, caught.value.message) == (
        "offer", "I can offer: at most 8 tags (you gave 9).")


def test_check_tags_refuses_a_tag_over_twenty_characters():
    with pytest.raises(DomainError) as caught:
        introductions.check_tags("短标签、" + "长" * 21, field="seek", label="I'm looking for")
    assert caught.value.message == ("I'm looking for: “" + "长" * 21 + "” is 21 characters "
                                    "long; a tag has at most 20.")


def test_check_tags_counts_length_after_normalising():
    typed = "   " + "a   " * 9 + "b  "  # 42 characters typed, 19 once normalised
    assert introductions.check_tags(typed, field="seek", label="x") == ["a " * 9 + "b"]


def test_save_introduction_stores_text_as_typed_and_tags_normalised(app):
    user = make_user()
    introduce(user, offer=" 社群运营、Python ", seek="写作、写作", text=" 你好\n我是冯宝宝 ")
    assert User.get_by_id(user.id).introduction == " 你好\n我是冯宝宝 "
    assert introductions.tags_of(user) == introductions.Tags(["社群运营", "python"], ["写作"])
    introduce(user, offer="", seek="融资")
    assert [(t.kind, t.tag) for t in ProfileTag.select().order_by(ProfileTag.id)] == [
        ("seek", "融资")]


def test_save_introduction_refuses_an_empty_or_long_introduction_and_changes_nothing(app):
    user = make_user()
    for text in ("   ", "字" * 501):
        with pytest.raises(DomainError) as caught:
            introduce(user, offer="写作", text=text)
        assert caught.value.field == "introduction"
    assert (User.get_by_id(user.id).introduction, ProfileTag.select().count()) == ("", 0)
    assert introductions.is_introduced(User.get_by_id(user.id)) is False


def reasons(found):
    return [(s.user.display_name, [(r.sought, r.offered, r.shared) for r in s.reasons])
            for s in found]


def test_suggestions_match_looking_for_to_offers_with_reasons_best_first(app):
    cohort = make_cohort()
    me = make_member(cohort, make_user(display_name="冯宝宝"))
    introduce(me, offer="写作", seek="社群运营、Python、融资")
    exact_two = make_member(cohort, make_user(display_name="乙"))
    introduce(exact_two, offer="python、社群运营")
    similar = make_member(cohort, make_user(display_name="甲"))
    introduce(similar, offer="社群增长、摄影")
    exact_one = make_member(cohort, make_user(display_name="丙"))
    introduce(exact_one, offer="融资")
    nothing = make_member(cohort, make_user(display_name="丁"))
    introduce(nothing, offer="写作", seek="python")  # seeks it, offers nothing I seek

    assert reasons(matching.suggestions(cohort, me)) == [
        ("乙", [("社群运营", "社群运营", ""), ("python", "python", "")]),
        ("丙", [("融资", "融资", "")]),
        ("甲", [("社群运营", "社群增长", "社群")]),
    ]
    assert reasons(matching.suggestions(cohort, me, limit=1)) == [
        ("乙", [("社群运营", "社群运营", ""), ("python", "python", "")])]


def test_suggestions_never_name_oneself_removed_members_or_other_cohorts(app):
    cohort, other = make_cohort(), make_cohort()
    me = make_member(cohort, make_user(display_name="我"))
    introduce(me, offer="社群运营", seek="社群运营")
    removed = make_member(cohort, make_user(display_name="已请出"))
    introduce(removed, offer="社群运营")
    Membership.update(status="removed").where(Membership.user == removed.id).execute()
    elsewhere = make_member(other, make_user(display_name="别的社群"))
    introduce(elsewhere, offer="社群运营")
    assert matching.suggestions(cohort, me) == []
    stays = make_member(cohort, make_user(display_name="留下的"))
    introduce(stays, offer="社群运营")
    assert reasons(matching.suggestions(cohort, me)) == [
        ("留下的", [("社群运营", "社群运营", "")])]


def test_similarity_is_only_for_two_chinese_characters_in_a_row(app):
    cohort = make_cohort()
    me = make_member(cohort)
    introduce(me, seek="运营、product design、书")
    other = make_member(cohort)
    introduce(other, offer="内容运营策略、product management、读书")
    assert reasons(matching.suggestions(cohort, me)) == [
        (other.display_name, [("运营", "内容运营策略", "运营")])]
    assert matching.pairs("AI产品经理") == ["产品", "品经", "经理"]


def test_a_member_without_tags_gets_no_suggestions(app):
    cohort = make_cohort()
    me = make_member(cohort)
    introduce(make_member(cohort), offer="写作")
    assert matching.suggestions(cohort, me) == []
