"""The top bar's live search and the duplicate check beside lead and customer forms."""

from valuecrm.crm.models import Customer


def test_live_search_finds_only_records_in_scope(records, org, client):
    client.force_login(org.rep_a)
    response = client.get("/search/", {"q": "线索"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'href="/leads/{records["rep_a"].lead.pk}/"' in html
    assert f'/leads/{records["rep_b"].lead.pk}/' not in html


def test_search_page_explains_an_empty_result(records, org, client):
    client.force_login(org.rep_a)
    page = client.get("/search/", {"q": "不存在的名字"})
    assert page.status_code == 200 and "Nothing matches" in page.content.decode()


def test_the_lead_form_asks_for_duplicates_as_you_type(records, org, client):
    client.force_login(org.rep_a)
    form = client.get("/leads/new/").content.decode()
    assert 'hx-get="/duplicates/lead/"' in form and "change from:#id_phone" in form
    mine = client.get("/duplicates/lead/", {"phone": "13812345678"}, HTTP_HX_REQUEST="true")
    html = mine.content.decode()
    assert "Possible duplicates" in html
    # rep_a's own lead is named; other reps' leads with that phone show only their team.
    assert f'/leads/{records["rep_a"].lead.pk}/' in html
    assert f'/leads/{records["rep_b"].lead.pk}/' not in html and "杭州组" in html
    assert "线索 rep_b" not in html


def test_customer_duplicates_by_similar_name(records, org, client):
    client.force_login(org.rep_a)
    html = client.get("/duplicates/customer/", {"name": "rep_a 客户有限公司"}).content.decode()
    assert "same company" in html
    edit = client.get(f"/customers/{records['rep_a'].customer.pk}/edit/").content.decode()
    assert f"?exclude={records['rep_a'].customer.pk}" in edit


def test_nothing_typed_no_warning(org, client):
    client.force_login(org.rep_a)
    assert client.get("/duplicates/lead/").content.decode().strip() == ""
    assert client.get("/duplicates/contract/").status_code == 404
    assert Customer.objects.count() == 0
