"""The admin is the operator's back office: every model is in it, and its pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client


def _our_models():
    """ValueCRM's own models (libraries bring their own admin, or none on purpose)."""
    return [
        m for m in apps.get_models()
        if m.__module__.startswith("valuecrm.") and not m._meta.auto_created
        and not m.__name__.startswith("Historical")
    ]


def test_every_model_is_registered():
    missing = [m._meta.label for m in _our_models() if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_every_changelist_opens_for_an_administrator(org, records, model):
    client = Client()
    client.force_login(org.admin)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(url, {"q": "a"} if admin.site._registry[model].search_fields else {}
                      ).status_code == 200
