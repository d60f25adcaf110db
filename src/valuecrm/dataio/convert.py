"""Cell text to field values, by the model field's type; references (channel, owner,
customer, stage, product) resolved by name, code or username within the actor's scope."""

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from valuecrm.core.normalize import normalize_company
from valuecrm.crm.models import Channel, Customer
from valuecrm.sales.models import Product, Stage

TRUE = {"1", "true", "yes", "y", "t", "是", "对", "√", "✓", "有"}
FALSE = {"0", "false", "no", "n", "f", "否", "不", "×", "✗", "无"}
_MONEY_NOISE = re.compile(r"[\s,，¥￥$]|元|rmb|cny", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
# References repeat (a few owners, channels and customers on many rows); keep the lookups
# bounded so a file with millions of distinct customers cannot grow memory without end.
CACHE_LIMIT = 20_000


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def parse_date(raw: str) -> date:
    match = _DATE.match(unicodedata.normalize("NFKC", raw).strip())
    try:
        if match:
            return date(*(int(g) for g in match.groups()))
    except ValueError:
        pass
    raise ValidationError(_("Enter a date such as 2024-03-31."), code="invalid_date")


def parse_datetime(raw: str) -> datetime:
    text = unicodedata.normalize("NFKC", raw).strip()
    day = parse_date(text)
    clock = _TIME.search(text[10:])
    moment = time(int(clock[1]), int(clock[2]), int(clock[3] or 0)) if clock else time(0)
    return timezone.make_aware(datetime.combine(day, moment))


def parse_decimal(raw: str) -> Decimal:
    text = _MONEY_NOISE.sub("", unicodedata.normalize("NFKC", raw))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid_number") from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid_number")
    return value


def parse_bool(raw: str) -> bool:
    text = _fold(raw)
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValidationError(_("Enter yes or no (是/否)."), code="invalid_bool")


def choice_table(field: models.Field) -> dict[str, str]:
    """Stored value by value and by label in every language, so "新签", "New" and "new" all
    read as the same choice."""
    table = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in field.choices:
                table[_fold(str(label))] = value
    for value, _label in field.choices:
        table[_fold(str(value))] = value
    return table


class References:
    """Finds referenced records by what a spreadsheet writes: a channel's name or code, an
    owner's username (or display name, if unique), a customer's name (compared as
    normalised company names), a stage's name, a product's SKU or name. Customers are
    looked up only among those the actor can see."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[tuple[type, str], object] = {}

    def _candidates(self, model, text: str):
        User = get_user_model()
        if model is Channel:
            return Channel.objects.filter(Q(name__iexact=text) | Q(code__iexact=text))
        if model is User:
            exact = User.objects.filter(username=text).select_related("unit")
            if exact.exists():
                return exact
            return User.objects.filter(display_name=text).select_related("unit")
        if model is Customer:
            return Customer.objects.visible_to(self.actor).filter(name_key=normalize_company(text))
        if model is Stage:
            return Stage.objects.filter(Q(name__iexact=text) | Q(name_en__iexact=text))
        if model is Product:
            by_sku = Product.objects.filter(sku=text)
            return by_sku if by_sku.exists() else Product.objects.filter(name=text)
        raise ValidationError(_("This column cannot be imported."), code="not_importable")

    def resolve(self, model, raw: str):
        key = (model, _fold(raw))
        if key not in self.cache:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            found = list(self._candidates(model, raw.strip())[:2])
            self.cache[key] = found[0] if len(found) == 1 else len(found)
        found = self.cache[key]
        if found == 0:
            raise ValidationError(
                _("No %(kind)s “%(value)s”%(where)s.") % {
                    "kind": model._meta.verbose_name, "value": raw,
                    "where": _(" that you can see") if model is Customer else "",
                }, code="unknown_reference")
        if isinstance(found, int):
            raise ValidationError(
                _("Several %(kinds)s match “%(value)s”; make the name unique.")
                % {"kinds": model._meta.verbose_name_plural, "value": raw},
                code="ambiguous_reference")
        if getattr(found, "is_active", True) is False:
            raise ValidationError(
                _("The %(kind)s “%(value)s” is not active.")
                % {"kind": model._meta.verbose_name, "value": raw}, code="inactive_reference")
        return found


class Converter:
    """Parses one column's cells for one model field."""

    def __init__(self, field: models.Field, references: References):
        self.field = field
        self.references = references
        self.choices = choice_table(field) if field.choices else None

    def __call__(self, raw: str):
        field = self.field
        if field.many_to_one:
            return self.references.resolve(field.related_model, raw)
        if self.choices is not None:
            try:
                return self.choices[_fold(raw)]
            except KeyError:
                allowed = ", ".join(str(label) for _value, label in field.choices)
                raise ValidationError(
                    _("Unknown value; use one of: %(allowed)s.") % {"allowed": allowed},
                    code="invalid_choice") from None
        if isinstance(field, models.BooleanField):
            return parse_bool(raw)
        if isinstance(field, models.DecimalField):
            return parse_decimal(raw)
        if isinstance(field, models.DateTimeField):
            return parse_datetime(raw)
        if isinstance(field, models.DateField):
            return parse_date(raw)
        if isinstance(field, models.IntegerField):
            value = parse_decimal(raw)
            if value != value.to_integral_value():
                raise ValidationError(_("Enter a whole number."), code="invalid_integer")
            return int(value)
        return raw
