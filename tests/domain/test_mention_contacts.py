"""A member's mobile number and Feishu user id for robot mentions: what is taken (and how it
is stored), what is refused, and with which message; every naughty string either stored in
its one allowed shape or refused on its field."""
import re

import pytest

from learnclub.domain.accounts.mention_contacts import check_feishu_user_id, check_phone
from learnclub.domain.errors import DomainError
from tests import corpora

PHONE_MESSAGE = ("Enter the mobile number in digits, e.g. 13800138000; outside mainland China "
                 "start with + and the country code, e.g. +85291234567 (5 to 15 digits).")
FEISHU_MESSAGE = ("A Feishu user ID is “ou_” followed by letters and digits (your open_id), or "
                  "the user ID your Feishu administrator gave you: letters, digits, “_” and "
                  "“-”, up to 64 characters.")


@pytest.mark.parametrize(("typed", "stored"), [
    ("", ""), ("   ", ""), ("13800138000", "13800138000"), ("+86 138-0013-8000", "+8613800138000"),
    ("+852 9123 4567", "+85291234567"), ("(010) 6552.9988", "01065529988"),
    ("１３８００１３８０００", "13800138000"), ("12345", "12345"),
    ("+" + "9" * 15, "+" + "9" * 15)])
def test_phone_takes_digits_with_an_optional_country_code(typed, stored):
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed", ["1234", "9" * 16, "++8613800138000", "138 0013 800O",
                                   "8613800138000+", "tel:13800138000", "١٣٨٠٠١٣٨٠٠٠",
                                   "138001\n38000", "+", "13800138000 转 12"])
def test_phone_refuses_anything_else_on_its_field(typed):
    with pytest.raises(DomainError) as refused:
        check_phone(typed)

    assert (refused.value.field, refused.value.message) == ("mention_phone", PHONE_MESSAGE)


def test_phone_longer_than_64_characters_says_by_how_much():
    with pytest.raises(DomainError) as refused:
        check_phone("1" * 65)

    assert refused.value.message == "Mobile number is 65 characters long; the limit is 64."


@pytest.mark.parametrize(("typed", "stored"), [
    ("", ""), ("ou_0123456789abcdef0123456789abcdef", "ou_0123456789abcdef0123456789abcdef"),
    ("  ou_5ad573a6411d72b8305fda3a9c15c70e ", "ou_5ad573a6411d72b8305fda3a9c15c70e"),
    ("e3c2d1f0", "e3c2d1f0"), ("zhang-san_01", "zhang-san_01")])
def test_feishu_id_takes_an_open_id_or_a_plain_user_id(typed, stored):
    assert check_feishu_user_id(typed) == stored


@pytest.mark.parametrize("typed", ["ou_123", "ou_0123456789abcdef-x", "张三", "ou_ 0123456789",
                                   "<at user_id=\"all\">", "a" * 65, "-leading", "all@x",
                                   "ou_0123456789abcdef\x00"])
def test_feishu_id_refuses_anything_else_on_its_field(typed):
    with pytest.raises(DomainError) as refused:
        check_feishu_user_id(typed)

    assert refused.value.field == "feishu_user_id"
    assert refused.value.message in (FEISHU_MESSAGE,
                                     "Feishu user ID contains a NUL character, which cannot "
                                     "be stored.", "Feishu user ID is 65 characters long; the "
                                     "limit is 64.")


def outcome(check, text):
    try:
        return check(text)
    except DomainError as refused:
        return refused


def test_every_naughty_string_is_stored_in_its_one_shape_or_refused_on_its_field():
    strings = corpora.naughty_strings() + corpora.xss_payloads()
    wrong = []
    for check, field, shape in ((check_phone, "mention_phone", r"(\+?[0-9]{5,15})?"),
                                (check_feishu_user_id, "feishu_user_id",
                                 r"(ou_[A-Za-z0-9]{8,61}|[A-Za-z0-9][A-Za-z0-9_-]{0,63})?")):
        for text in strings:
            result = outcome(check, text)
            if isinstance(result, DomainError):
                if result.field != field or not result.message:
                    wrong.append((field, text, result.field))
            elif not re.fullmatch(shape, result):
                wrong.append((field, text, result))
    assert wrong == []
