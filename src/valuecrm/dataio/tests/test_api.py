"""The API upload, error report and export paths."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from valuecrm.crm.models import Lead
from valuecrm.dataio.models import ImportJob


def upload(api_client, kind, name, content: bytes, **fields):
    return api_client.client.post(
        f"/api/v1/imports/{kind}", {"file": SimpleUploadedFile(name, content), **fields},
        **api_client.headers,
    )


def test_upload_imports_a_file(org, channel, api):
    client = api(org.rep_a)
    content = "联系人,手机,来源渠道\n接口导入,13812345601,官网表单\n".encode("gbk")
    response = upload(client, "leads", "leads.csv", content)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["created"], body["errors"]) == ("imported", 1, [])
    lead = Lead.objects.get(name="接口导入")
    assert (lead.owner, lead.channel) == (org.rep_a, channel)
    assert client.get(f"imports/{body['id']}").json()["created"] == 1


def test_a_failed_upload_reports_rows_and_serves_the_report(org, api):
    client = api(org.rep_a)
    content = b"Name,Phone,Owner\nA,13812345601,rep_b\nB,99,\n"
    response = upload(client, "leads", "bad.csv", content,
                      mapping=json.dumps({"Name": "name"}))
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "failed" and body["invalid"] == 2
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "Owner"), (3, "Phone")]
    assert not Lead.objects.filter(name__in=["A", "B"]).exists()
    report = client.client.get(body["error_report_url"], **client.headers)
    assert report.status_code == 200
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2
    # Another rep cannot read it; the manager of the team can.
    assert api(org.rep_b).get(f"imports/{body['id']}/errors.csv").status_code == 404
    assert api(org.manager_a).get(f"imports/{body['id']}/errors.csv").status_code == 200


def test_upload_options_and_refusals(org, api):
    client = api(org.rep_a)
    content = b"Name,Phone\nA,13812345601\nB,99\n"
    body = upload(client, "leads", "x.csv", content, skip_invalid="true").json()
    assert (body["status"], body["created"], body["invalid"]) == ("imported", 1, 1)
    body = upload(client, "leads", "x.csv", content, skip_invalid="true",
                  on_duplicate="skip", dry_run="true").json()
    assert (body["status"], body["created"], body["skipped"]) == ("checked", 0, 1)
    assert upload(client, "products", "p.csv", b"name,sku,price\nA,B,1\n").status_code == 403
    assert upload(client, "widgets", "p.csv", content).status_code == 422
    assert upload(client, "leads", "p.csv", content, mapping="[1]").status_code == 422
    assert upload(api(org.analyst), "leads", "p.csv", content).status_code == 403
    assert ImportJob.objects.count() == 2


def test_export_api_is_scoped_and_streams_csv(org, records, api):
    response = api(org.rep_b).get("export/customers")
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [records["rep_b"].customer.name]
    response = api(org.analyst).get("export/opportunities", format="xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(book.active.iter_rows())) == 1 + len(org.reps)
    assert api(org.rep_a).get("export/customers", format="pdf").status_code == 422
