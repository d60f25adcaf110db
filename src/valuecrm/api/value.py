"""API of the value app: requirements, initiatives, operations cycles and the value report."""

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from valuecrm.metrics.queries import jsonable
from valuecrm.value import actions, queries
from valuecrm.value.cli import parse_range, report_inputs
from valuecrm.value.outputs import render_html, render_xlsx
from valuecrm.value.report import value_report

router = Router(tags=["value"])


def _requirement(item) -> dict:
    req = item["requirement"]
    return {"id": req.pk, "title": req.title, "background": req.background, "goal": req.goal,
            "kind": req.kind, "urgent": req.urgent, "important": req.important,
            "quadrant": item["quadrant"], "kano": req.kano, "business_goal": req.business_goal,
            "metric_key": req.metric_key, "unit": req.unit_id, "status": req.status,
            "owner": req.owner_id, "alignment": item["alignment"], "link": item["link"],
            "no_business_goal": item["no_business_goal"], "version": req.version}


class RequirementIn(Schema):
    title: str
    kind: str
    background: str = ""
    goal: str = ""
    urgent: bool = False
    important: bool = False
    kano: str = "performance"
    business_goal: str = ""
    metric_key: str = ""
    unit_id: int | None = None
    status: str = "proposed"


@router.get("/value/requirements", summary="Requirement backlog, ranked by alignment")
def list_requirements(request):
    return {"items": jsonable([_requirement(i)
                               for i in queries.requirement_backlog(actor=request.auth)])}


@router.post("/value/requirements", response={201: dict}, summary="Add a requirement")
def create_requirement(request, body: RequirementIn):
    req = actions.create_requirement(actor=request.auth, **body.dict())
    return 201, {"id": req.pk, "title": req.title, "version": req.version}


class InitiativeIn(Schema):
    name: str
    launch_date: date
    metrics: dict[str, Decimal] = Field(..., description="metric key -> expected relative "
                                                         "change, e.g. -0.5 to halve")
    requirement_ids: list[int] = []
    background: str = ""
    goal: str = ""
    estimated_value: Decimal | None = None
    measure_days: int = 90


@router.get("/value/initiatives", summary="Initiatives, measured before and after launch")
def list_initiatives(request):
    return {"items": jsonable(queries.initiative_results(actor=request.auth))}


@router.post("/value/initiatives", response={201: dict}, summary="Record an initiative")
def create_initiative(request, body: InitiativeIn):
    initiative = actions.create_initiative(actor=request.auth, **body.dict())
    return 201, {"id": initiative.pk, "name": initiative.name}


class CycleIn(Schema):
    name: str
    start: date
    end: date
    targets: dict[str, Decimal]
    initiative_ids: list[int] = []
    goal: str = ""
    hold_days: int = 28


@router.get("/value/cycles", summary="Operations cycles in order, with their targets")
def list_cycles(request):
    return {"items": jsonable(queries.cycle_list(actor=request.auth))}


@router.post("/value/cycles", response={201: dict}, summary="Start an operations cycle")
def create_cycle(request, body: CycleIn):
    cycle = actions.create_cycle(actor=request.auth, **body.dict())
    return 201, {"id": cycle.pk, "name": cycle.name}


class ReportQuery(Schema):
    baseline: str = Field(..., description="YYYY-MM-DD..YYYY-MM-DD")
    current: str = Field(..., description="YYYY-MM-DD..YYYY-MM-DD")
    org: int | None = None
    initiative: list[int] = []
    cycle: int | None = None
    format: str = Field("json", pattern="^(json|xlsx|html)$")
    lang: str = Field("zh", pattern="^(zh|en)$")


@router.get("/value/report", summary="The value report (JSON, or an XLSX/HTML file)")
def report(request, q: Query[ReportQuery]):
    result = value_report(
        actor=request.auth, baseline=parse_range(q.baseline, "baseline"),
        current=parse_range(q.current, "current"),
        **report_inputs(request.auth, org=q.org, initiatives=q.initiative, cycle=q.cycle))
    if q.format == "json":
        return result.as_dict()
    if q.format == "xlsx":
        response = HttpResponse(render_xlsx(result), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        response = HttpResponse(render_html(result, q.lang), content_type="text/html")
    response["Content-Disposition"] = f'attachment; filename="value-report.{q.format}"'
    return response
