"""The app serves the admin back office, the API and its OpenAPI description."""

from django.test import Client


def test_openapi_describes_every_record_type(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for kind in ["leads", "customers", "contacts", "opportunities", "contracts", "payments",
                 "activities", "products", "channels"]:
        assert f"/api/v1/{kind}" in schema["paths"]
        assert f"/api/v1/{kind}/{{pk}}" in schema["paths"]
    create_contact = schema["components"]["schemas"]["ContactIn"]["properties"]
    assert "customer" in create_contact


def test_admin_serves_its_login_page_and_styles(db):
    client = Client()
    page = client.get("/admin/login/")
    assert page.status_code == 200
    assert client.get("/static/admin/css/base.css").status_code == 200


def test_health_check_answers(db):
    assert Client().get("/healthz").json() == {"status": "ok"}
