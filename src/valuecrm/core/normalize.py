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
    return _e164(text, settings.PHONE_DEFAULT_REGION)


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
