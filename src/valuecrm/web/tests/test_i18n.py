"""Chinese by default, English on request; labels, model names and money follow the language."""

from decimal import Decimal

import pytest
from django.utils import translation

from valuecrm.crm.models import Lead
from valuecrm.sales.models import Contract
from valuecrm.web.templatetags.web import money


def test_chinese_is_the_default_language(org, client, settings):
    # The product's default (settings.py); the test settings make English the default so
    # other tests' assertions read in one language.
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(org.rep_a)
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html and "退出登录" in html


def test_the_browser_language_is_honoured(org, client):
    client.force_login(org.rep_a)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Workbench" in html and "Sign out" in html


def test_switching_language_sticks_for_the_next_pages(org, client):
    client.force_login(org.rep_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/profile/"})
    assert response.status_code == 302 and response["Location"] == "/profile/"
    html = client.get("/profile/").content.decode()
    assert "API tokens" in html and "About me" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "API 令牌" in client.get("/profile/").content.decode()


def test_model_names_and_choices_are_translated():
    with translation.override("zh-hans"):
        assert str(Lead._meta.verbose_name) == "线索"
        assert str(Lead.Status.NEW.label) == "新建"
        assert str(Contract.Type.NEW.label) == "新签"
        assert str(Contract.Status.ACTIVE.label) == "生效中"
    with translation.override("en"):
        assert str(Contract.Type.NEW.label) == "New"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_money_shows_the_yuan_sign_and_grouping(language):
    with translation.override(language):
        assert money(Decimal("1234567.5")) == "¥1,234,567.50"
        assert money(Decimal("12"), "USD") == "$12.00"
        assert money(None) == ""


def test_every_chinese_message_is_translated():
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
    text = po.read_text()
    # An empty msgstr followed by a blank line is an untranslated entry (header excepted).
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') or "#, fuzzy" in e]
    assert not untranslated, untranslated[:3]
