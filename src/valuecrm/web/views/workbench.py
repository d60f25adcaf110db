"""The home page after signing in: a workbench that depends on the person's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from valuecrm.focus.help import reps_needing_help
from valuecrm.focus.queries import focus_list
from valuecrm.org.models import Role
from valuecrm.pool.actions import upcoming_recycles
from valuecrm.web import queries
from valuecrm.web.templatetags.web import stage_name

FOCUS_SHOWN = 15
RECYCLES_SHOWN = 10


def _funnel_chart(rows) -> dict:
    """An ECharts option for the team funnel (drawn by static/web/charts.js)."""
    data = [{"name": stage_name(r["stage"]), "value": r["count"],
             "amount": float(r["amount"])} for r in rows]
    return {
        "tooltip": {"trigger": "item"},
        "series": [{"type": "funnel", "name": _("Open opportunities"), "sort": "none",
                    "left": "5%", "width": "90%", "minSize": "20%", "gap": 2,
                    "label": {"show": True, "position": "inside"},
                    "data": data}],
    }


def _activity_chart(rows) -> dict:
    names = [str(r["rep"]) for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "stack": "n", "name": _("Calls"), "data": [r["calls"] for r in rows]},
            {"type": "bar", "stack": "n", "name": _("Visits"),
             "data": [r["visits"] for r in rows]},
        ],
    }


def _rep(request) -> dict:
    leads, lead_count = queries.open_leads(request.user)
    return {"leads": leads, "lead_count": lead_count,
            "tasks": queries.upcoming_activities(request.user),
            "overdue": queries.overdue_plans(request.user),
            "focus": focus_list(request.user).items[:FOCUS_SHOWN],
            "recycles": upcoming_recycles(request.user)[:RECYCLES_SHOWN]}


def _manager(request) -> dict:
    funnel = queries.funnel(request.user)
    activity = queries.activity_per_rep(request.user)
    return {
        "funnel": funnel, "funnel_chart": _funnel_chart(funnel),
        "has_pipeline": any(r["count"] for r in funnel),
        "activity": activity, "activity_chart": _activity_chart(activity),
        "stalled": queries.stalled_deals(request.user),
        "stalled_days": queries.STALLED_AFTER_DAYS,
        "overdue": queries.overdue_plans(request.user),
        "helpers": reps_needing_help(request.user),
    }


@login_required
def home(request):
    user = request.user
    if user.role == Role.ANALYST:
        return render(request, "web/workbench_analyst.html", {})
    if user.manages_subtree or user.sees_everything:
        return render(request, "web/workbench_manager.html", _manager(request))
    return render(request, "web/workbench_rep.html", _rep(request))
