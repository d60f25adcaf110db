from pathlib import Path

from django import template
from django.contrib.staticfiles import finders

from valuecrm.value.labels import HEADINGS

register = template.Library()


@register.filter
def headings(lang: str) -> dict:
    """The report's headings in `lang` (zh or en)."""
    return {key: text[lang] for key, text in HEADINGS.items()}


@register.filter
def pick(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag
def static_text(path: str) -> str:
    """A static file's text, for the print file that must carry its stylesheet inline."""
    return Path(finders.find(path)).read_text(encoding="utf-8")
