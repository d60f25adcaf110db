"""Column choice on the lists: each person picks the columns they see, kept per list
(focus.ListColumns) across visits; the record link stays; unknown columns are refused."""

from django.urls import reverse

from valuecrm.focus.models import ListColumns


def _headers(page: str) -> str:
    return page[page.index("<thead>"):page.index("</thead>")]


def test_a_person_picks_the_columns_of_a_list(client, org, records):
    client.force_login(org.rep_a)
    url = reverse("web:lead_list")
    assert "Phone" in _headers(client.get(url).content.decode())
    response = client.post(reverse("web:list_columns", args=["lead"]),
                           {"columns": ["status", "owner"], "next": f"{url}?status=new"})
    assert response.status_code == 302 and response["Location"] == f"{url}?status=new"
    page = client.get(url).content.decode()
    headers = _headers(page)
    assert "Status" in headers and "Owner" in headers and "Name" in headers
    assert "Phone" not in headers and "Company" not in headers
    assert "13812345678" not in page  # the phone cells went with their header
    # Kept for this person and this list only.
    assert "Phone" in _headers(client.get(reverse("web:contact_list")).content.decode())
    client.force_login(org.rep_a2)
    assert "Phone" in _headers(client.get(url).content.decode())


def test_choosing_nothing_shows_every_column_again(client, org, records):
    client.force_login(org.rep_a)
    post = reverse("web:list_columns", args=["lead"])
    client.post(post, {"columns": ["status"]})
    client.post(post, {})
    assert not ListColumns.objects.filter(owner=org.rep_a).exists()
    assert "Phone" in _headers(client.get(reverse("web:lead_list")).content.decode())


def test_unknown_columns_and_lists_are_refused(client, org, records):
    client.force_login(org.rep_a)
    response = client.post(reverse("web:list_columns", args=["lead"]),
                           {"columns": ["password"]}, follow=True)
    assert "Unknown column: password." in response.content.decode()
    assert not ListColumns.objects.exists()
    assert client.post(reverse("web:list_columns", args=["nothing"]), {}).status_code == 404
    response = client.post(reverse("web:list_columns", args=["lead"]),
                           {"columns": ["status"], "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:lead_list")
