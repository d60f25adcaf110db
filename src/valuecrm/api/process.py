"""Process analysis: of an uploaded event log (CSV, XES, XES.GZ) or of a registered system
log within the caller's data scope. Durations are seconds."""

from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from valuecrm.process import queries
from valuecrm.process.readers import Columns

router = Router(tags=["process analysis"])


class SourceOut(Schema):
    name: str
    label: str


class AnalysisQuery(Schema):
    target: str | None = None
    compare_before: str | None = None
    compare_attribute: str | None = None
    compare_values: list[str] = []
    risk: list[str] = []
    top: int = 20
    stage_target: list[str] = []


def _options(params) -> queries.Options:
    return queries.build_options(
        target=params.target, compare_before=params.compare_before,
        compare_attribute=params.compare_attribute, compare_values=params.compare_values,
        risk=params.risk, top=params.top, stage_targets=params.stage_target)


@router.post("/process/analyze", response=dict, operation_id="analyze_event_log",
             summary="Analyse an uploaded event log (CSV with column names, or XES)")
def analyze_upload(
    request, file: File[UploadedFile], case: Form[str | None] = None,
    activity: Form[str | None] = None, timestamp: Form[str | None] = None,
    resource: Form[str | None] = None, lifecycle: Form[str | None] = None,
    target: Form[str | None] = None, compare_before: Form[str | None] = None,
    compare_attribute: Form[str | None] = None, compare_values: Form[list[str]] = None,
    risk: Form[list[str]] = None, top: Form[int] = 20, stage_target: Form[list[str]] = None,
):
    options = queries.build_options(
        target=target, compare_before=compare_before, compare_attribute=compare_attribute,
        compare_values=compare_values or [], risk=risk or [], top=top,
        stage_targets=stage_target or [])
    columns = Columns(case=case or None, activity=activity or None,
                      timestamp=timestamp or None, resource=resource or None,
                      lifecycle=lifecycle or None)
    return queries.analyze_file(file.file, columns, options, name=file.name or "",
                                size=file.size)


@router.get("/process/sources", response=list[SourceOut], operation_id="list_process_sources",
            summary="The system's event logs that can be analysed")
def list_sources(request):
    return queries.list_sources()


@router.get("/process/sources/{name}/analysis", response=dict,
            operation_id="analyze_process_source",
            summary="Analyse a system event log over the records the caller may see")
def analyze_source(request, name: str, params: Query[AnalysisQuery]):
    return queries.analyze_source(name, request.auth, _options(params))
