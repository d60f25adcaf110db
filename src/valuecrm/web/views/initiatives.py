"""Initiatives (what shipped, expected vs measured change of its metrics, drift when the
measured change falls short; the form that records one) and the requirement backlog ranked
by alignment with the current targets. Numbers from value.queries (measure_initiative,
requirement_backlog)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from valuecrm.value.actions import create_initiative
from valuecrm.value.models import Initiative
from valuecrm.value.queries import measure_initiative, requirement_backlog
from valuecrm.web.htmx import render_page
from valuecrm.web.operation_forms import InitiativeForm, metric_rows
from valuecrm.web.views.forms import domain_errors, posted, submit
from valuecrm.web.views.metrics import label

VERDICTS = {"improved": _("Improved"), "worsened": _("Worsened"),
            "no_clear_change": _("No clear change"), "unchanged": _("Unchanged"),
            "not_judged": _("Not judged"), "inconclusive": _("Inconclusive"),
            "no_data": _("No data")}
QUADRANTS = {"do_first": _("Do first"), "plan": _("Plan"), "delegate": _("Delegate"),
             "drop": _("Drop")}
LINKS = {"target": _("Moves a current target"), "driver": _("Drives a target"),
         "metric": _("Names a metric"), "goal_text": _("Business goal in words"),
         "none": _("No business goal")}


def _readable(result: dict) -> dict:
    for metric in result["metrics"]:
        metric["name"] = label(metric["label"])
        metric["verdict_label"] = VERDICTS.get(metric["verdict"], metric["verdict"])
    return result


@login_required
def initiative_list(request):
    initiatives = Initiative.objects.visible_to(request.user).select_related(
        "owner").prefetch_related("metrics")
    rows = [{"initiative": i, **_readable(measure_initiative(request.user, i))}
            for i in initiatives]
    return render_page(request, "web/initiatives/list.html", {"rows": rows},
                       partial="web/initiatives/list.html")


@login_required
@domain_errors
def initiative_create(request):
    """Record what shipped and the metrics it should move (value.actions.create_initiative)."""
    form = InitiativeForm(posted(request), user=request.user)
    metrics = metric_rows(posted(request))
    return submit(request, form, lambda f: create_initiative(
        actor=request.user, metrics=metrics.values(), **f.values(),
    ), rows={"metrics": metrics}, context={
        "title": _("New initiative"), "back": reverse("web:initiative_list")},
        success=lambda i: gettext("Initiative “%(name)s” recorded.") % {"name": i.name})


@login_required
def initiative_detail(request, pk):
    initiative = get_object_or_404(Initiative.objects.visible_to(request.user).select_related(
        "owner").prefetch_related("requirements"), pk=pk)
    return render_page(request, "web/initiatives/detail.html", {
        "initiative": initiative,
        "result": _readable(measure_initiative(request.user, initiative))},
        partial="web/initiatives/detail.html")


@login_required
def requirement_list(request):
    items = requirement_backlog(actor=request.user)
    for item in items:
        item["quadrant_label"] = QUADRANTS[item["quadrant"]]
        item["link_label"] = LINKS[item["link"]]
    return render_page(request, "web/initiatives/requirements.html", {"items": items},
                       partial="web/initiatives/requirements.html")
