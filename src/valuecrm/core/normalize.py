"""Normalisation of contact data, so the same phone or email always compares equal.

Used by model validation, which forms, the API and imports all go through.
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """E.164 form ("+8613812345678"); "" for blank; ValidationError if not a phone number.

    Full-width digits and separators (１３８－…) are common in Chinese spreadsheets, so the
    text is NFKC-folded first.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    region = settings.PHONE_DEFAULT_REGION
    return _mobile_shortcut(region)(text) or _e164(text, region)


class _MobileShortcut:
    """The E.164 form of the region's usual mobile numbers without `phonenumbers.parse`
    (~45 us a number, the dearest step of a lead import): "13812345678", "138 1234 5678",
    "+86 138-1234-5678", "0086...". Returns None for anything else, which is then parsed.

    Exact by construction: the checks are phonenumbers' own metadata for the region, and a
    number is only taken when parse could not have read it otherwise: the digits fully match
    the region's general and mobile patterns (so is_valid_number holds), their length is
    possible for both (is_possible_number), and no national prefix or carrier code could be
    stripped from them (national_prefix_for_parsing does not match at their start).
    test_phone_shortcut.py compares it with phonenumbers over generated and all prefixes.
    """

    # An optional "+86" / "0086", then ASCII digit groups parted by single spaces or dashes
    # (phonenumbers also reads other scripts' digits; those take the slow way).
    shape = re.compile(r"(\+|00)?([0-9]+(?:[ -][0-9]+)*)")

    def __init__(self, meta):
        never = "(?!)"
        self.cc = str(meta.country_code)
        self.general = re.compile(meta.general_desc.national_number_pattern or never)
        self.mobile = re.compile(meta.mobile.national_number_pattern or never)
        self.lengths = set(meta.mobile.possible_length) & set(meta.general_desc.possible_length)
        self.strippable = re.compile(meta.national_prefix_for_parsing or never)
        self.international = re.compile(meta.international_prefix or never)

    def __call__(self, text: str) -> str | None:
        if (shape := self.shape.fullmatch(text)) is None:
            return None
        lead, rest = shape.groups()
        digits = rest.replace(" ", "").replace("-", "")
        if lead is not None:
            if lead == "00":
                # parse strips what the region's international prefix matches; only "00".
                found = self.international.match("00" + digits)
                if found is None or found.end() != 2:
                    return None
            if not rest.startswith(self.cc):
                return None
            national = digits[len(self.cc):]
        else:
            national = digits
        if (len(national) not in self.lengths or not self.general.fullmatch(national)
                or not self.mobile.fullmatch(national) or self.strippable.match(national)):
            return None
        return f"+{self.cc}{national}"


@lru_cache(maxsize=8)
def _mobile_shortcut(region: str):
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return _MobileShortcut(meta) if meta is not None else lambda _text: None


# Parsing with phonenumbers costs ~45 us; imports of a million rows meet the same numbers
# again (re-imports, shared switchboards). Only valid numbers are kept: lru_cache does
# not cache the exception, so an invalid one is parsed (and refused) each time.
@lru_cache(maxsize=200_000)
def _e164(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "").strip().lower()
    if not text:
        return ""
    return _checked_email(text)


@lru_cache(maxsize=200_000)
def _checked_email(text: str) -> str:
    validate_email(text)
    return text


_COMPANY_NOISE = re.compile(
    r"[\s\(\)（）·,，.。\-_]|有限责任公司|股份有限公司|有限公司|集团|"
    r"co\.?,?\s*ltd\.?|inc\.?|llc|limited|corp(oration)?\.?"
)


def normalize_company(raw: str) -> str:
    """A comparison key for company names: case-, width- and legal-suffix-insensitive."""
    text = unicodedata.normalize("NFKC", raw or "").strip().lower()
    return _COMPANY_NOISE.sub("", text)
