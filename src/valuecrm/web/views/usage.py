"""The usage page: active users (DAU, WAU, MAU), stickiness, sessions, active share and
feature adoption by team, the useful features each team leaves under-used, and time to
adopt new features; choosing a team turns it into that team's usage report. The numbers
are usage.queries', in the reader's scope."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.org.models import OrgUnit
from valuecrm.org.scope import can_see_unit
from valuecrm.usage import queries
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import refusal
from valuecrm.web.views.periods import SpanForm


class UsageForm(SpanForm):
    org = forms.TypedChoiceField(label=gettext_lazy("Team"), required=False, coerce=int,
                                 empty_value=None)

    def __init__(self, data=None, *, user):
        super().__init__(data, default_days=90)
        units = [u for u in OrgUnit.objects.order_by("path") if can_see_unit(user, u)]
        self.fields["org"].choices = [("", gettext_lazy("All I can see"))] + [
            (u.pk, u.name) for u in units]


def _adoption_chart(rows: list[dict]) -> dict:
    """Adoption (% of licensed users) per period, one line per feature."""
    periods = sorted({r["period"] for r in rows})
    series: dict[str, dict] = {}
    for row in rows:
        series.setdefault(row["label"], {})[row["period"]] = round(
            (row["adoption"] or 0) * 100, 1)
    return {"tooltip": {"trigger": "axis"}, "legend": {"top": 0, "type": "scroll"},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": periods},
            "yAxis": {"type": "value", "name": "%", "min": 0},
            "series": [{"type": "line", "name": name, "data": [v.get(p) for p in periods]}
                       for name, v in series.items()]}


def _by_team(rows: list[dict]) -> dict:
    """Feature adoption as a team x feature table."""
    features = list(dict.fromkeys(r["label"] for r in rows))
    teams: dict[int, dict] = {}
    for row in rows:
        team = teams.setdefault(row["unit"], {"unit": row["unit"], "name": row["name"],
                                              "shares": {}})
        team["shares"][row["label"]] = row
    return {"features": features,
            "teams": [{**t, "cells": [t["shares"].get(f) for f in features]}
                      for t in teams.values()]}


@login_required
def usage_page(request):
    form = UsageForm(request.GET or None, user=request.user)
    start, end = form.span()
    org = form.cleaned_data.get("org") if form.is_bound and form.is_valid() else None
    context = {"form": form, "start": start, "end": end, "org": org, "error": ""}
    try:
        report = queries.usage_report(request.user, start, end, org)
        by_team = queries.adoption_by_team(request.user, start, end, org)
    except (ValidationError, NotFound) as exc:
        context["error"] = refusal(exc)
    else:
        context.update(report=report, chart=_adoption_chart(report["adoption"]),
                       adoption=_by_team(by_team),
                       team_name=dict(form.fields["org"].choices).get(org, ""))
    return render_page(request, "web/usage/page.html", context)
