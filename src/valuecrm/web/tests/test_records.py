"""Record pages: details with timeline, forms that report the models' rules field by field,
lead conversion, logging calls, and 404 for anything outside the user's scope."""

from valuecrm.crm.models import Activity, Customer, Lead
from valuecrm.sales.actions import update_opportunity
from valuecrm.sales.models import Opportunity, Stage


def test_create_a_lead_then_see_it_with_its_history(org, client, channel):
    client.force_login(org.rep_a)
    response = client.post("/leads/new/", {"name": "周杰", "company_name": "星河科技",
                                           "phone": "13912345678", "channel": channel.pk})
    lead = Lead.objects.get(company_name="星河科技")
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    assert lead.owner == org.rep_a and lead.phone == "+8613912345678"
    page = client.get(f"/leads/{lead.pk}/")
    assert page.status_code == 200
    assert [e.kind for e in page.context["timeline"]] == ["history"]


def test_model_rules_come_back_field_by_field(org, client):
    client.force_login(org.rep_a)
    response = client.post("/leads/new/", {"name": "", "company_name": "", "phone": "12"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["name"] and form.errors["phone"]
    html = response.content.decode()
    assert "<html" not in html and 'id="id_phone_error"' in html
    assert not Lead.objects.exists()


def test_htmx_success_redirects_the_browser(org, client):
    client.force_login(org.rep_a)
    response = client.post("/leads/new/", {"name": "赵六"}, HTTP_HX_REQUEST="true")
    lead = Lead.objects.get()
    assert response["HX-Redirect"] == f"/leads/{lead.pk}/"


def test_a_rep_cannot_give_a_lead_to_someone_else(org, client):
    # Reps have no owner field: whatever they post, they own the lead.
    client.force_login(org.rep_a)
    client.post("/leads/new/", {"name": "x", "owner": org.rep_b.pk})
    assert Lead.objects.get().owner == org.rep_a


def test_a_manager_assigns_within_the_team_only(org, client):
    client.force_login(org.manager_a)
    response = client.post("/leads/new/", {"name": "x", "owner": org.rep_c.pk})
    assert response.status_code == 422 and response.context["form"].errors["owner"]
    client.post("/leads/new/", {"name": "y", "owner": org.rep_a2.pk})
    assert Lead.objects.get().owner == org.rep_a2


def test_convert_a_lead_into_customer_contact_and_opportunity(records, org, client):
    lead = records["rep_a"].lead
    client.force_login(org.rep_a)
    response = client.post(f"/leads/{lead.pk}/convert/", {
        "create_opportunity": "on", "opportunity_name": "星河一期", "opportunity_amount": "88000",
    })
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED
    deal = lead.converted_opportunity
    assert response["Location"] == f"/opportunities/{deal.pk}/"
    assert deal.name == "星河一期" and deal.owner == org.rep_a
    again = client.post(f"/leads/{lead.pk}/convert/", {})
    assert again.status_code == 422 and again.context["form"].non_field_errors()


def test_edit_with_a_stale_version_is_refused(records, org, client):
    customer = records["rep_a"].customer
    client.force_login(org.rep_a)
    form = {"name": "新名字", "lifecycle_stage": "active", "version": customer.version}
    assert client.post(f"/customers/{customer.pk}/edit/", form).status_code == 302
    stale = client.post(f"/customers/{customer.pk}/edit/", {**form, "name": "又一个名字"})
    assert stale.status_code == 422 and stale.context["form"].non_field_errors()
    customer.refresh_from_db()
    assert customer.name == "新名字"


def test_log_a_call_on_a_customer_and_see_it_on_the_timeline(records, org, client):
    customer = records["rep_a"].customer
    client.force_login(org.rep_a)
    response = client.post(f"/customer/{customer.pk}/activities/new/", {
        "kind": "call", "started_at": "2026-03-02T10:30", "duration_minutes": "12",
        "subject": "需求沟通", "outcome": "约了下周拜访",
    })
    assert response.status_code == 302
    call = Activity.objects.get(subject="需求沟通")
    assert call.owner == org.rep_a and call.duration_seconds == 720
    timeline = client.get(f"/customers/{customer.pk}/").context["timeline"]
    assert any(e.kind == "activity" and e.activity == call for e in timeline)


def test_opportunity_timeline_shows_stage_changes(records, org, client):
    deal = records["rep_a"].opportunity
    second = Stage.objects.filter(outcome="open").exclude(pk=deal.stage_id).first()
    update_opportunity(actor=org.rep_a, pk=deal.pk, changes={"stage_id": second.pk})
    client.force_login(org.rep_a)
    timeline = client.get(f"/opportunities/{deal.pk}/").context["timeline"]
    assert [e.kind for e in timeline].count("stage") == 2
    # Field history names the stages, not their ids.
    changes = [c for e in timeline if e.kind == "history" for c in e.changes]
    stage_change = next(c for c in changes if c["new"] == second.name)
    assert stage_change["old"] == deal.stage.name


def test_lost_needs_a_reason_on_the_field(records, org, client):
    deal = records["rep_a"].opportunity
    lost = Stage.objects.get(outcome="lost")
    client.force_login(org.rep_a)
    response = client.post(f"/opportunities/{deal.pk}/edit/", {
        "name": deal.name, "stage": lost.pk, "amount": "1", "version": deal.version})
    assert response.status_code == 422 and response.context["form"].errors["lost_reason"]


def test_every_record_of_another_rep_answers_404(records, org, client):
    theirs = records["rep_b"]
    client.force_login(org.rep_a)
    for path in (
        f"/leads/{theirs.lead.pk}/", f"/leads/{theirs.lead.pk}/edit/",
        f"/leads/{theirs.lead.pk}/convert/", f"/customers/{theirs.customer.pk}/",
        f"/customers/{theirs.customer.pk}/edit/", f"/contacts/{theirs.contact.pk}/",
        f"/opportunities/{theirs.opportunity.pk}/", f"/contracts/{theirs.contract.pk}/",
        f"/customers/{theirs.customer.pk}/contacts/new/",
        f"/customer/{theirs.customer.pk}/activities/new/",
    ):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "hijack"}).status_code == 404, path
    assert not Customer.objects.filter(name="hijack").exists()


def test_an_analyst_reads_but_cannot_write(records, org, client):
    deal = records["rep_a"].opportunity
    client.force_login(org.analyst)
    assert client.get(f"/opportunities/{deal.pk}/").status_code == 200
    response = client.post(f"/opportunities/{deal.pk}/edit/", {
        "name": "x", "stage": deal.stage_id, "amount": "1", "version": deal.version})
    assert response.status_code == 403
    assert client.get(f"/opportunities/{deal.pk}/edit/").status_code == 403
    assert Opportunity.objects.get(pk=deal.pk).name == deal.name
