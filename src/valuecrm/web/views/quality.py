"""The data-quality page: every monitor's rate against its target, one monitor's rate over
time and by team, owner or supplier, and the records failing it to follow up. The numbers
are quality.monitors' (monitor_rates, summary, offenders), in the reader's scope."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.quality.monitors import get_monitors, monitor_rates, offenders, summary
from valuecrm.web.htmx import render_page
from valuecrm.web.links import page_url
from valuecrm.web.views.forms import refusal
from valuecrm.web.views.metrics import DIMENSION_LABELS, GRAIN_LABELS, label
from valuecrm.web.views.periods import SpanForm

OFFENDERS_SHOWN = 50


class QualityForm(SpanForm):
    monitor = forms.ChoiceField(label=gettext_lazy("Monitor"), required=False)
    grain = forms.ChoiceField(label=gettext_lazy("Grain"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False)

    def __init__(self, data=None):
        super().__init__(data, default_days=180)
        monitors = get_monitors()
        self.fields["monitor"].choices = [("", "—")] + [
            (key, label(m.label)) for key, m in monitors.items()]
        self.fields["grain"].choices = [(g, GRAIN_LABELS[g]) for g in ("week", "month",
                                                                        "quarter")]
        self.initial["grain"] = "month"
        dims = sorted({d for m in monitors.values() for d in m.by})
        self.fields["by"].choices = [("", "—")] + [(d, DIMENSION_LABELS.get(d, d))
                                                   for d in dims]


def _chart(result: dict) -> dict:
    """The rate per period, one line per group, with the target as a dashed line."""
    periods = sorted({str(r["period"]) for r in result["rows"]})
    series: dict[str, dict] = {}
    for row in result["rows"]:
        name = row.get("label") or _("All")
        series.setdefault(str(name), {})[str(row["period"])] = (
            None if row["rate"] is None else round(row["rate"] * 100, 1))
    lines = [{"type": "line", "name": name, "connectNulls": False,
              "data": [values.get(p) for p in periods]} for name, values in series.items()]
    if lines:
        lines[0]["markLine"] = {"silent": True, "symbol": "none",
                                "lineStyle": {"type": "dashed"},
                                "data": [{"yAxis": round(result["target"] * 100, 1),
                                          "name": _("Target")}]}
    return {"tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": periods},
            "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
            "series": lines}


@login_required
def quality_page(request):
    form = QualityForm(request.GET or None)
    start, end = form.span()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    context = {"form": form, "start": start, "end": end, "error": "",
               "summary": summary(request.user, start=start, end=end)}
    for row in context["summary"]:
        row["name"] = label(row["label"])
    key = data.get("monitor")
    if key:
        monitor = get_monitors()[key]
        by = data.get("by") if data.get("by") in monitor.by else None
        try:
            result = monitor_rates(request.user, key, start=start, end=end,
                                   grain=data.get("grain") or "month", by=by)
            found = offenders(request.user, key, start=start, end=end)
            rows = list(found[:OFFENDERS_SHOWN])
        except (ValidationError, NotFound) as exc:
            context["error"] = refusal(exc)
        else:
            context.update(
                monitor=monitor, monitor_name=label(monitor.label), result=result,
                chart=_chart(result), offenders=[(r, page_url(r)) for r in rows],
                offender_count=found.count(), by_labels=DIMENSION_LABELS,
                breakdown=_breakdown(request.user, key, start, end, by))
    return render_page(request, "web/quality/page.html", context)


def _breakdown(user, key, start, end, by):
    """The span's rate per group, worst first (who to follow up with)."""
    if not by:
        return []
    rows = monitor_rates(user, key, start=start, end=end, by=by)["rows"]
    return sorted(rows, key=lambda r: (r["rate"] is None, r["rate"] or 0))
