"""normalize_phone takes a shortcut for the region's usual mobile numbers; it must give
exactly what phonenumbers gives (the same E.164 string, or a refusal) for every text."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from valuecrm.core.normalize import _mobile_shortcut, normalize_phone

REGION = "CN"


def by_phonenumbers(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def agrees(text: str) -> None:
    shortcut = _mobile_shortcut(REGION)(text)
    if shortcut is not None:
        assert shortcut == by_phonenumbers(text), text


# Prefixes around the mobile ranges, carrier codes (179xx, 11x, 12x) and the IDD "00".
prefixes = st.sampled_from(["", "+86", "0086", "86", "+86 ", "0086-", "+8", "+860", "00860",
                            "0", "+", "00", "+1", "+852", "1", "17951", "12593", "+86-"])
digits = st.text(alphabet="0123456789", min_size=0, max_size=14)
separators = st.sampled_from(["", " ", "-", "  ", "--", ".", "(", ")", "/", "x", "#", "\u0663"])


@settings(max_examples=3000, deadline=None)
@given(prefixes, st.lists(st.tuples(separators, digits), min_size=1, max_size=4), separators)
@example("+86", [("", "13812345678")], "")
@example("0086", [(" ", "13812345678")], "")
@example("", [("", "17951234567")], "")
def test_shortcut_equals_phonenumbers_on_generated_text(prefix, groups, tail):
    agrees(prefix + "".join(sep + part for sep, part in groups) + tail)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789 -+()", max_size=20))
def test_shortcut_equals_phonenumbers_on_any_digits_and_punctuation(text):
    agrees(text)


@pytest.mark.parametrize("width", [3, 4])
def test_every_mobile_prefix_agrees_with_phonenumbers(width):
    """All 3- and 4-digit prefixes starting with 1, with the rest of an 11-digit number
    filled three ways, bare and with +86, spaced and not."""
    taken = 0
    for prefix in range(10 ** (width - 1), 2 * 10 ** (width - 1)):
        for fill in ("0" * 11, "5" * 11, "9" * 11):
            number = (str(prefix) + fill)[:11]
            for text in (number, "+86" + number, f"0086 {number[:3]} {number[3:7]} {number[7:]}",
                         f"{number[:3]}-{number[3:7]}-{number[7:]}"):
                agrees(text)
                taken += _mobile_shortcut(REGION)(text) is not None
    assert taken > 0


def test_the_shortcut_takes_the_common_forms():
    assert {_mobile_shortcut(REGION)(t) for t in (
        "13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678",
        "+86 138 1234 5678", "008613812345678")} == {"+8613812345678"}


def test_other_numbers_still_go_through_phonenumbers():
    assert _mobile_shortcut(REGION)("010-6552 9988") is None
    assert normalize_phone("010-6552 9988") == "+861065529988"
    with pytest.raises(ValidationError):
        normalize_phone("12345678901")
