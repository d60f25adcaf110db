"""Template helpers shared by every page: navigation, money, query strings."""

import json
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language

from valuecrm.web import links
from valuecrm.web.nav import NAV

register = template.Library()

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥"}


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def main_nav(context):
    request = context["request"]
    path = request.path
    items = []
    for item in NAV:
        if not item.shown_to(request.user):
            continue
        current = path == "/" if item.section == "/" else path.startswith(
            (item.section, *item.also))
        items.append({"url": reverse(item.url_name), "label": item.label, "current": current})
    return {"items": items}


@register.filter
def money(value, currency="CNY"):
    """¥12,345.60 in both languages: digits grouped as the active locale groups them."""
    if value is None or value == "":
        return ""
    amount = number_format(Decimal(value), 2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency or "CNY")
    return f"{symbol}{amount}" if symbol else f"{currency} {amount}"


@register.filter
def grouped(value):
    """An integer with the locale's digit grouping (12,345)."""
    if value is None:
        return ""
    return number_format(value, 0, force_grouping=True)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def record_url(obj):
    return links.record_url(obj)


@register.filter
def stage_name(stage) -> str:
    """A stage in the reader's language: stages keep a Chinese name and an English one."""
    if get_language() == "en" and getattr(stage, "name_en", ""):
        return stage.name_en
    return str(stage)


KIND_DETAIL = {"lead": "web:lead_detail", "customer": "web:customer_detail",
               "contact": "web:contact_detail", "opportunity": "web:opportunity_detail"}


@register.filter
def kind_url(kind: str, pk) -> str:
    """The page of a record named by kind and id (search hits, duplicate candidates)."""
    return reverse(KIND_DETAIL[kind], args=[pk])


@register.inclusion_tag("web/includes/bell.html", takes_context=True)
def notification_bell(context):
    from valuecrm.notifications.models import Notification

    user = context["request"].user
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"unread": unread}


@register.filter
def saved_view_url(view) -> str:
    from valuecrm.web.views.saved_views import view_url

    return view_url(view)


@register.filter
def get(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.filter
def number(value):
    """A metric value: grouped digits, at most two decimals; empty for no value."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, places, force_grouping=True)


@register.filter
def percent(value):
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(str(value)) * 100, 1)}%"


@register.filter
def days(seconds):
    if seconds is None:
        return "—"
    return number_format(Decimal(str(seconds)) / 86400, 1)


@register.filter
def to_json(value) -> str:
    """JSON for a data- attribute (escaped like any output). HTMX drops <script> elements
    from swapped fragments, json_script included, so swapped charts carry their option
    in `data-option`."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
