"""Names holding SQL, HTML and script are stored as given and shown as text, in the API and
on the pages; searching for them finds them and breaks nothing."""

import pytest
from django.utils.html import escape

from valuecrm.crm.models import Lead

NASTY = [
    "<script>alert('x')</script>",
    "'; DROP TABLE crm_lead; --",
    "\" onmouseover=\"alert(1)",
    "Robert'); DELETE FROM org_user WHERE ('1'='1",
    "{{ 7*7 }} {% debug %}",
    "%s %(name)s \\x00",
]


@pytest.mark.parametrize("name", NASTY)
def test_hostile_names_are_kept_verbatim_and_shown_as_text(org, api, client, name):
    rep = api(org.rep_a)
    response = rep.post("leads", {"name": name, "company_name": f"{name} 公司"})
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    assert lead.name == name and rep.get(f"leads/{lead.pk}").json()["name"] == name
    assert rep.get("leads", q=name).json()["count"] == 1
    assert rep.get("search", q=name).status_code == 200
    assert rep.get("search", q=f"{name}\x00").status_code in (200, 422)
    assert rep.get("leads", q=f"{name}\x00").status_code in (200, 422)

    client.force_login(org.rep_a)
    for url in (f"/leads/{lead.pk}/", "/leads/", f"/leads/?q={name}", f"/leads/{lead.pk}/edit/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "onmouseover=\"alert" not in page, url
    assert escape(name) in client.get(f"/leads/{lead.pk}/").content.decode()
