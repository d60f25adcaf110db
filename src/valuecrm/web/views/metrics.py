"""Analysis pages: the metrics explorer (metric, period, grain, dimension -> chart, table,
CSV), target attainment, metric trees with contributions, the CRM funnel and the channel
scorecard. Every number comes from the metrics engine or scoring, in the reader's scope;
these views only turn the request into arguments and the answer into charts."""

import csv
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.metrics import queries
from valuecrm.metrics.actions import targetable
from valuecrm.metrics.catalog import get_catalog
from valuecrm.metrics.crm_funnel import DIMENSIONS as FUNNEL_DIMENSIONS
from valuecrm.metrics.crm_funnel import crm_funnel
from valuecrm.metrics.periods import GRAINS, parse_period
from valuecrm.metrics.targets import target_report
from valuecrm.metrics.trees import as_floats, explain_tree
from valuecrm.scoring.channels import channel_scorecard, default_period
from valuecrm.web.htmx import render_page

GRAIN_LABELS = {"day": gettext_lazy("Day"), "week": gettext_lazy("Week"),
                "month": gettext_lazy("Month"), "quarter": gettext_lazy("Quarter"),
                "year": gettext_lazy("Year")}
DIMENSION_LABELS = {
    "team": gettext_lazy("Team"), "department": gettext_lazy("Department"),
    "owner": gettext_lazy("Owner"), "channel": gettext_lazy("Channel"),
    "region": gettext_lazy("Region"), "customer_size": gettext_lazy("Customer size"),
    "contract_type": gettext_lazy("Contract type"), "product": gettext_lazy("Product"),
    "product_category": gettext_lazy("Product category"), "stage": gettext_lazy("Stage"),
    "lead_status": gettext_lazy("Lead status"), "activity_kind": gettext_lazy("Activity kind"),
}


def label(text) -> str:
    """A catalog label ({zh, en}) in the reader's language."""
    lang = "en" if get_language() == "en" else "zh"
    return getattr(text, lang, None) or (text.get(lang) if isinstance(text, dict) else str(text))


def _year_start() -> date:
    return timezone.localdate().replace(month=1, day=1)


class ExplorerForm(forms.Form):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"))
    # <input type=date> reads and writes ISO dates whatever the page's language.
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))
    grain = forms.ChoiceField(label=gettext_lazy("Grain"), required=False)
    by = forms.ChoiceField(label=gettext_lazy("Break down by"), required=False)
    compare = forms.ChoiceField(label=gettext_lazy("Compare with"), required=False, choices=[
        ("", "—"), ("previous", gettext_lazy("Previous period")),
        ("year", gettext_lazy("Same period last year"))])

    def __init__(self, data, *, metrics):
        initial = {"start": _year_start(), "end": timezone.localdate(), "grain": "month",
                   "metric": metrics[0]["key"] if metrics else ""}
        super().__init__(data or None, initial=initial)
        self.fields["metric"].choices = [(m["key"], label(m["label"])) for m in metrics]
        self.fields["grain"].choices = [("", _("Whole span"))] + [
            (g, GRAIN_LABELS[g]) for g in GRAINS]
        self.fields["by"].choices = [("", "—")] + list(DIMENSION_LABELS.items())


def _by_group(result: dict) -> tuple[list[str], dict[str, dict]]:
    """Periods, and each group's value per period (one group, the metric, without `by`)."""
    periods = sorted({row["period"] for row in result["rows"]})
    series: dict[str, dict] = {}
    for row in result["rows"]:
        name = " · ".join(d["label"] for d in row["dims"].values()) or label(
            result["metric"]["label"])
        series.setdefault(name, {}).setdefault(row["period"], row["value"])
    return periods, series


def _pivot(result: dict) -> dict:
    """The table under the chart: a row per period, a column per group."""
    periods, series = _by_group(result)
    return {"groups": list(series),
            "rows": [{"period": p, "values": [values.get(p) for values in series.values()]}
                     for p in periods]}


def _explorer_chart(result: dict) -> dict:
    """Periods on the x axis, one series per group (or one for the total)."""
    periods, series = _by_group(result)
    kind = "line" if len(periods) > 1 else "bar"
    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value"},
        "series": [{"type": kind, "name": name, "smooth": False, "connectNulls": False,
                    "data": [queries.jsonable(values.get(p)) for p in periods]}
                   for name, values in series.items()],
    }


def _plain(value) -> str:
    """A value for a spreadsheet: no thousands separators, integers without ".0"."""
    if value is None:
        return ""
    value = Decimal(str(value))
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _csv(result: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{result["metric"]["key"]}-{result["from"]}-{result["to"]}.csv"')
    response.write("\ufeff")
    writer = csv.writer(response)
    by = result["by"]
    writer.writerow([_("Period"), *[DIMENSION_LABELS.get(d, d) for d in by], _("Value")])
    for row in result["rows"]:
        writer.writerow([row["period"], *[row["dims"][d]["label"] for d in by],
                         _plain(row["value"])])
    return response


@login_required
def explorer(request):
    metrics = sorted(queries.list_metrics(), key=lambda m: (m["category"], m["key"]))
    form = ExplorerForm(request.GET, metrics=metrics)
    result, chart, pivot, error = None, None, None, ""
    if form.is_bound and not form.is_valid():
        # The results part is what HTMX swaps, so it repeats the form's errors.
        error = " ".join(f"{form[name].label}: {' '.join(errors)}"
                         for name, errors in form.errors.items())
    elif form.is_bound:
        data = form.cleaned_data
        try:
            result = queries.metric_values(
                user=request.user, key=data["metric"], start=data["start"], end=data["end"],
                grain=data["grain"] or None, by=(data["by"],) if data["by"] else (),
                compare=data["compare"] or None)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if request.GET.get("format") == "csv":
                return _csv(result)
            chart = _explorer_chart(result)
            pivot = _pivot(result)
    described = {m["key"]: m for m in metrics}
    chosen = described.get(form["metric"].value() or "")
    return render_page(request, "web/metrics/explorer.html", {
        "form": form, "result": result, "chart": chart, "pivot": pivot, "error": error,
        "metric": chosen, "metric_label": label(chosen["label"]) if chosen else "",
        "dimension_labels": DIMENSION_LABELS,
    })


class PeriodForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Period"), help_text=gettext_lazy(
        "2025, 2025-03, 2025-Q1 or 2025-01-01..2025-06-30"))


def _period_value(request, name: str, default: str) -> str:
    return (request.GET.get(name) or default).strip()


@login_required
def targets(request):
    catalog = get_catalog()
    choices = [(m.key, label(m.label)) for m in catalog.metrics.values()
               if targetable(m) and not m.hidden]
    key = request.GET.get("metric") or "contract_amount"
    period = _period_value(request, "period", f"{timezone.localdate():%Y}-Q"
                           f"{(timezone.localdate().month - 1) // 3 + 1}")
    report, error = None, ""
    try:
        span = parse_period(period)
        report = target_report(user=request.user, metric_key=key, start=span.start,
                                       end=span.end)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    rows = []
    if report:
        _flatten(report["root"], 0, rows)
    return render_page(request, "web/metrics/targets.html", {
        "choices": choices, "key": key, "period": period, "report": report, "rows": rows,
        "error": error,
    })


def _flatten(node: dict, depth: int, rows: list) -> None:
    rows.append({**node, "depth": depth, "indent": depth * 1.25})
    for child in node["children"]:
        _flatten(child, depth + 1, rows)


def _tree_rows(node: dict, catalog, depth: int, rows: list) -> None:
    metric = catalog.metrics.get(node["metric"]) if node.get("metric") else None
    name = label(metric.label) if metric else node["label"]
    change = (None if node["before"] is None or node["after"] is None
              else node["after"] - node["before"])
    rows.append({"name": name, "depth": depth, "indent": depth * 1.25, "op": node.get("op"),
                 "before": node["before"], "after": node["after"], "change": change,
                 "contribution": node.get("contribution"),
                 "to_root": node.get("contribution_to_root") if depth else None})
    for child in node["children"]:
        _tree_rows(child, catalog, depth + 1, rows)


def _tree_chart(rows: list) -> dict:
    """A bar per child of the root: how much of the change each one explains."""
    children = [r for r in rows if r["depth"] == 1 and r["contribution"] is not None]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 16, "containLabel": True},
        "xAxis": {"type": "value"}, "yAxis": {"type": "category",
                                              "data": [r["name"] for r in children]},
        "series": [{"type": "bar", "name": _("Contribution"),
                    "data": [round(r["contribution"], 2) for r in children]}],
    }


@login_required
def trees(request):
    catalog = get_catalog()
    choices = [(key, label(tree.label)) for key, tree in catalog.trees.items()]
    key = request.GET.get("tree") or (choices[0][0] if choices else "")
    today = timezone.localdate()
    last_month = today.replace(day=1) - timezone.timedelta(days=1)
    period = _period_value(request, "period", f"{today:%Y-%m}")
    compare = _period_value(request, "compare", f"{last_month:%Y-%m}")
    result, rows, error = None, [], ""
    try:
        result = as_floats(explain_tree(user=request.user, key=key,
                                        before=parse_period(compare),
                                        after=parse_period(period)))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if result:
        _tree_rows(result["root"], catalog, 0, rows)
    return render_page(request, "web/metrics/trees.html", {
        "choices": choices, "key": key, "period": period, "compare": compare,
        "result": result, "rows": rows, "error": error,
        "chart": _tree_chart(rows) if rows else None,
    })


STEP_LABELS = {"lead": gettext_lazy("Leads"), "opportunity": gettext_lazy("Opportunities"),
               "won": gettext_lazy("Won"), "paid": gettext_lazy("Paid")}


def _dates(request, default_start: date, default_end: date) -> tuple[date, date, str]:
    try:
        start = date.fromisoformat(request.GET.get("from") or default_start.isoformat())
        end = date.fromisoformat(request.GET.get("to") or default_end.isoformat())
    except ValueError:
        return default_start, default_end, _("Write dates as YYYY-MM-DD.")
    return start, end, ""


@login_required
def funnel(request):
    start, end, error = _dates(request, _year_start(), timezone.localdate())
    mode = request.GET.get("mode") or "cohort"
    by = request.GET.get("by") or ""
    result, chart = None, None
    if not error:
        try:
            result = crm_funnel(user=request.user, start=start, end=end, mode=mode,
                                by=(by,) if by else ())
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if result and result["groups"]:
        first = result["groups"][0] if not by else None
        if first:
            chart = {"tooltip": {"trigger": "item"}, "series": [{
                "type": "funnel", "sort": "none", "left": "10%", "width": "80%",
                "label": {"show": True, "position": "inside"},
                "data": [{"name": str(STEP_LABELS.get(s["step"], s["step"])),
                          "value": s["count"]} for s in first["steps"]]}]}
    return render_page(request, "web/metrics/funnel.html", {
        "start": start, "end": end, "mode": mode, "by": by, "result": result, "chart": chart,
        "error": error, "step_labels": STEP_LABELS,
        "dimensions": [(d, DIMENSION_LABELS.get(d, d)) for d in FUNNEL_DIMENSIONS],
    })


@login_required
def channels(request):
    default_start, default_end = default_period(None, None)
    start, end, error = _dates(request, default_start, default_end)
    card = None
    if not error and start > end:
        error = _("The end date is before the start date.")
    if not error:
        card = channel_scorecard(request.user, start=start, end=end)
    chart = None
    if card and card.channels:
        chart = {
            "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
            "xAxis": {"type": "category", "data": [c.channel for c in card.channels]},
            "yAxis": [{"type": "value"}, {"type": "value"}],
            "series": [
                {"type": "bar", "name": _("Leads"), "data": [c.leads for c in card.channels]},
                {"type": "bar", "name": _("Won"), "data": [c.won for c in card.channels]},
                {"type": "line", "yAxisIndex": 1, "name": _("Revenue"),
                 "data": [float(c.revenue) for c in card.channels]},
            ],
        }
    return render_page(request, "web/metrics/channels.html", {
        "start": start, "end": end, "card": card, "chart": chart, "error": error,
    })
