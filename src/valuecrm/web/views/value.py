"""The value report page: pick two periods (and a unit), read the report, download it."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from valuecrm.core.errors import ValidationError
from valuecrm.demo.queries import go_live_date
from valuecrm.org.models import OrgUnit
from valuecrm.org.scope import can_see_unit
from valuecrm.value.cli import parse_range, report_inputs
from valuecrm.value.labels import HEADINGS
from valuecrm.value.outputs import context, render_html, render_json, render_xlsx
from valuecrm.value.report import value_report

HALF_YEAR = timedelta(days=182)
DAY = timedelta(days=1)
TYPES = {"json": "application/json", "html": "text/html",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _defaults() -> tuple[str, str]:
    """The half year before go-live (or before the current half year) and the last one."""
    today = timezone.localdate()
    current = (today - HALF_YEAR, today - DAY)
    live = go_live_date()
    baseline = (live - HALF_YEAR, live - DAY) if live else (
        current[0] - HALF_YEAR, current[0] - DAY)
    return tuple(f"{a.isoformat()}..{b.isoformat()}" for a, b in (baseline, current))


@login_required
def value_report_page(request):
    lang = "zh" if get_language().startswith("zh") else "en"
    baseline_text, current_text = _defaults()
    baseline_text = request.GET.get("baseline", baseline_text)
    current_text = request.GET.get("current", current_text)
    org = request.GET.get("org") or None
    units = [u for u in OrgUnit.objects.order_by("path") if can_see_unit(request.user, u)]
    page = {"baseline": baseline_text, "current": current_text, "org": org, "units": units,
            "h": {k: v[lang] for k, v in HEADINGS.items()}, "errors": []}
    try:
        report = value_report(
            actor=request.user, baseline=parse_range(baseline_text, "baseline"),
            current=parse_range(current_text, "current"),
            **report_inputs(request.user, org=int(org) if org and org.isdigit() else org))
    except ValidationError as exc:
        page["errors"] = [m for messages in exc.message_dict.values() for m in messages]
        return render(request, "web/value_report.html", page, status=422)
    fmt = request.GET.get("format")
    if fmt in TYPES:
        body = {"json": lambda: render_json(report), "html": lambda: render_html(report, lang),
                "xlsx": lambda: render_xlsx(report)}[fmt]()
        response = HttpResponse(body, content_type=TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="value-report.{fmt}"'
        return response
    return render(request, "web/value_report.html", {**page, **context(report, lang)})
