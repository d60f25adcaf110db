"""The process view: pick one of the system's event logs (orders, opportunities,
approvals), a span of case starts and optionally a target and a comparison (two periods
split at a date such as go-live, or two values of a case attribute), and read where the
time goes. Every number is process.queries.analyze_source over the reader's records."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.demo.queries import go_live_date
from valuecrm.process.queries import analyze_source, build_options, list_sources
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import refusal
from valuecrm.web.views.periods import DATE, SpanForm

DAY = 86400


class ProcessForm(SpanForm):
    source = forms.ChoiceField(label=gettext_lazy("Event log"))
    target_days = forms.IntegerField(label=gettext_lazy("Target (days)"), required=False,
                                     min_value=1, max_value=3650)
    compare_before = forms.DateField(label=gettext_lazy("Compare before / after"),
                                     required=False, widget=DATE)
    compare_attribute = forms.CharField(label=gettext_lazy("or compare attribute"),
                                        required=False, max_length=50)
    compare_values = forms.CharField(
        label=gettext_lazy("its two values"), required=False, max_length=200,
        help_text=gettext_lazy("Two values separated by a comma, e.g. won,lost"))

    field_order = ["source", "start", "end", "target_days", "compare_before",
                   "compare_attribute", "compare_values"]

    def __init__(self, data=None):
        super().__init__(data, default_days=365)
        self.fields["source"].choices = [(s["name"], s["label"]) for s in list_sources()]
        self.initial.update(source="orders", compare_before=go_live_date())


def _stage_labels(source: str) -> dict[str, str]:
    """Readable names for the activities of a source (order stages are logged by code)."""
    if source != "orders":
        return {}
    from valuecrm.delivery.models import OrderStage

    english = get_language() == "en"
    return {s.code: (s.name_en if english and s.name_en else s.name)
            for s in OrderStage.objects.all()}


def _chart(stages: list[dict]) -> dict:
    """Each stage's share of the total lead time (bars), its mean days in the tooltip."""
    shown = [s for s in stages if s["visits"]]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": [s["label"] for s in shown],
                  "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": [{"type": "value", "name": "%"}, {"type": "value", "name": _("days")}],
        "series": [
            {"type": "bar", "name": _("Share of lead time (%)"),
             "data": [round(s["share"] * 100, 1) for s in shown]},
            {"type": "line", "yAxisIndex": 1, "name": _("Mean days in stage"),
             "data": [round((s["mean"] or 0) / DAY, 2) for s in shown]},
        ],
    }


def _label(result: dict, labels: dict) -> dict:
    """Attach readable labels to every activity name the page shows."""
    def name(activity):
        return labels.get(activity, activity)

    for s in result["stages"]:
        s["label"] = name(s["activity"])
    for b in result["bottlenecks"]:
        b["label"] = name(b["activity"])
    for v in result["variants"]["top"]:
        v["labels"] = [name(a) for a in v["activities"]]
    for r in result["rework"]["by_activity"]:
        r["label"] = name(r["activity"])
    for group in result.get("comparison", {}).get("groups", []):
        group["stage_rows"] = [
            {"label": name(a), **values,
             "difference": result["comparison"]["difference"].get("stages", {}).get(a)}
            for a, values in group["stages"].items()]
    return result


def _options(data: dict):
    values = [v.strip() for v in (data["compare_values"] or "").split(",") if v.strip()]
    return build_options(
        target=f"{data['target_days']}d" if data["target_days"] else None,
        compare_before=data["compare_before"].isoformat() if data["compare_before"] else None,
        compare_attribute=data["compare_attribute"] or None,
        compare_values=values or None)


@login_required
def process_view(request):
    form = ProcessForm(request.GET or None)
    context = {"form": form, "result": None, "error": ""}
    if form.is_bound and form.is_valid():
        start, end = form.span()
        data = form.cleaned_data
        try:
            result = analyze_source(data["source"], request.user, _options(data),
                                    start=start, end=end)
        except (ValidationError, NotFound) as exc:
            context["error"] = refusal(exc)
        else:
            _label(result, _stage_labels(data["source"]))
            context.update(result=result, chart=_chart(result["stages"]),
                           variants=result["variants"]["top"][:10])
    elif form.is_bound:
        context["error"] = " ".join(f"{form[n].label}: {' '.join(e)}"
                                    for n, e in form.errors.items() if n in form.fields)
    return render_page(request, "web/process/view.html", context)
