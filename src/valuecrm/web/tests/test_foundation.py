"""The page foundation: sign in, security headers, CSRF, vendored assets, health check."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"


def test_healthz_answers_without_signing_in(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_every_page_sends_a_csp_without_inline_scripts(org, client):
    client.force_login(org.rep_a)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"] and "unsafe" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'"
    html = response.content.decode()
    # Every <script> loads a file of ours; none carries code.
    for tag in re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S):
        assert re.search(r'src="/static/', tag) and tag.endswith("></script>"), tag
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler"


def test_sign_in_then_land_on_the_workbench(org):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/login/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = browser.post("/login/", {"username": "rep_a", "password": "pw-for-tests-9",
                                        "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(org, client):
    response = client.post("/login/", {"username": "rep_a", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_forms_without_the_csrf_token_are_refused(org):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(org.rep_a)
    response = browser.post("/profile/tokens/", {"name": "x"})
    assert response.status_code == 403


def test_sign_out_is_a_post(org, client):
    client.force_login(org.rep_a)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", [
    "vendor/htmx-2.0.11/htmx.min.js",
    "vendor/echarts-5.6.0/echarts.min.js",
    "vendor/sortablejs-1.15.7/Sortable.min.js",
])
def test_vendored_assets_ship_with_their_licence(path):
    found = finders.find(path)
    assert found, path
    assert (Path(found).parent / "LICENSE").exists()


def test_no_page_template_loads_anything_from_another_host():
    templates = Path(__file__).resolve().parents[1] / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), template


def test_the_api_docs_load_nothing_from_another_host(db, client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script>" not in html
