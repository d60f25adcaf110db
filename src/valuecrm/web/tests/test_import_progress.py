"""The import wizard's progress: while the preview or the import reads the upload, the page
polls how far it got; once the upload is gone the poll answers 286 (htmx stops polling)
and shows nothing of anybody's file."""

from django.urls import reverse

from valuecrm.dataio.uploads import progress_path, upload_dir
from valuecrm.web.tests.test_dataio import GOOD, _upload

MAPPING = {"col0": "name", "col1": "company_name", "col2": "phone"}


def _progress_url(wizard: str) -> str:
    return reverse("web:import_progress", args=[wizard.strip("/").split("/")[-1]])


def test_progress_is_polled_while_the_file_is_read(org, client):
    client.force_login(org.rep_a)
    rows = "".join(f"客户{n},公司{n},139{n:08d}\n" for n in range(300))
    wizard = _upload(client, GOOD.splitlines()[0] + "\n" + rows)
    page = client.get(wizard).content.decode()
    assert f'data-progress-url="{_progress_url(wizard)}"' in page
    assert 'id="import-progress"' in page
    before = client.get(_progress_url(wizard), HTTP_HX_REQUEST="true")
    assert before.status_code == 200 and "Starting…" in before.content.decode()
    client.post(wizard, {**MAPPING, "step": "preview"}, HTTP_HX_REQUEST="true")
    read = client.get(_progress_url(wizard), HTTP_HX_REQUEST="true").content.decode()
    size = (upload_dir(org.rep_a) / wizard.strip("/").split("/")[-1]).stat().st_size
    assert "100.0%" in read and f'max="{size}"' in read
    client.post(wizard, {**MAPPING, "step": "import"}, HTTP_HX_REQUEST="true")
    done = client.get(_progress_url(wizard), HTTP_HX_REQUEST="true")
    assert done.status_code == 286 and "Finished." in done.content.decode()
    token = wizard.strip("/").split("/")[-1]
    assert not progress_path(upload_dir(org.rep_a) / token).exists()


def test_another_persons_upload_shows_no_progress(org, client):
    client.force_login(org.rep_a)
    wizard = _upload(client, GOOD)
    client.post(wizard, {**MAPPING, "step": "preview"})
    client.force_login(org.rep_b)
    response = client.get(_progress_url(wizard))
    assert response.status_code == 286 and "rows" not in response.content.decode()
