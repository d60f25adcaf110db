"""The import wizard (upload -> map -> preview -> import -> result and error report) and the
export downloads, all through dataio in the user's scope."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from valuecrm.crm.models import Lead
from valuecrm.dataio.models import ImportJob

GOOD = "联系人,公司名称,手机\n王五,东方贸易,13911112222\n赵六,西方贸易,13911113333\n"
BAD = GOOD + "孙七,南方贸易,12\n"


def _upload(client, text, name="leads.csv", kind="leads"):
    response = client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(
        name, text.encode("utf-8"), content_type="text/csv")})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_upload_map_preview_then_import(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, GOOD)
    page = client.get(wizard)
    columns = page.context["columns"]
    assert [(c["header"], c["field"]) for c in columns] == [
        ("联系人", "name"), ("公司名称", "company_name"), ("手机", "phone")]
    mapping = {f"col{c['index']}": c["field"] for c in columns}
    preview = client.post(wizard, {**mapping, "step": "preview"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and preview.context["preview"].created == 2
    assert not Lead.objects.filter(company_name="东方贸易").exists()  # a preview writes nothing
    done = client.post(wizard, {**mapping, "step": "import"}, HTTP_HX_REQUEST="true")
    job = ImportJob.objects.filter(options__dry_run=False).get()
    assert done["HX-Redirect"] == f"/imports/{job.pk}/"
    imported = Lead.objects.filter(owner=org.rep_a, company_name__in=["东方贸易", "西方贸易"])
    assert imported.count() == 2
    result = client.get(f"/imports/{job.pk}/")
    assert result.context["job"].created == 2 and result.context["errors"] == []
    assert client.get(wizard).status_code == 404  # the upload is gone once imported


def test_a_bad_row_is_shown_with_its_error_and_imports_nothing(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, BAD)
    mapping = {"col0": "name", "col1": "company_name", "col2": "phone"}
    preview = client.post(wizard, {**mapping, "step": "preview"})
    assert preview.status_code == 422
    [error] = preview.context["preview"].errors
    assert error.row == 4 and error.value == "12"
    html = preview.content.decode()
    assert "Download the error report" in html
    assert re.search(r'<button type="submit" name="step" value="import"\s+disabled', html)
    run = client.post(wizard, {**mapping, "step": "import"})
    job = ImportJob.objects.filter(options__dry_run=False).get()
    assert run["Location"] == f"/imports/{job.pk}/" and job.status == "failed"
    assert not Lead.objects.filter(company_name="东方贸易").exists()
    report = client.get(f"/imports/{job.pk}/errors.csv")
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "row,column,value,message" and "\n4," in body


def test_skip_invalid_imports_the_good_rows(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, BAD)
    mapping = {"col0": "name", "col1": "company_name", "col2": "phone", "skip_invalid": "on"}
    client.post(wizard, {**mapping, "step": "import"})
    assert Lead.objects.filter(company_name__in=["东方贸易", "西方贸易"]).count() == 2


def test_a_mapped_column_can_be_ignored(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, GOOD)
    client.post(wizard, {"col0": "name", "col1": "company_name", "col2": "", "step": "import"})
    assert set(Lead.objects.filter(company_name="东方贸易").values_list("phone", flat=True)) == {""}


def test_unreadable_files_are_refused_on_upload(org, client):
    client.force_login(org.rep_a)
    response = client.post("/import/", {"kind": "leads", "file": SimpleUploadedFile(
        "x.xlsx", b"not a workbook")})
    assert response.status_code == 422
    assert "not an XLSX workbook" in str(response.context["form"].errors["file"])


def test_read_only_people_cannot_import(org, client):
    client.force_login(org.analyst)
    assert client.get("/import/").status_code == 403


def test_products_are_for_administrators(org, client):
    client.force_login(org.rep_a)
    kinds = dict(client.get("/import/").context["form"].fields["kind"].choices)
    assert "products" not in kinds and "leads" in kinds


def test_other_people_cannot_open_my_upload_or_import(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, BAD)
    client.post(wizard, {"col0": "name", "col1": "company_name", "col2": "phone",
                         "step": "import"})
    job = ImportJob.objects.filter(options__dry_run=False).get()
    client.force_login(org.rep_b)
    assert client.get(wizard).status_code == 404
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/errors.csv").status_code == 404
    client.force_login(org.manager_a)  # rep_a's manager sees the import
    assert client.get(f"/imports/{job.pk}/").status_code == 200


def test_export_contains_only_what_i_see(records, org, client):
    client.force_login(org.rep_a)
    response = client.get("/export/leads/")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    assert "rep_a 线索公司" in body and "rep_b 线索公司" not in body
    xlsx = client.get("/export/customers/", {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/export/nothing/").status_code == 404
    assert client.get("/export/leads/", {"format": "pdf"}).status_code == 404
    assert 'href="/export/leads/"' in client.get("/leads/").content.decode()
