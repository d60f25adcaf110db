"""Reps who need their manager's help: stalled deals, low activity, falling win rate.

Each measure is one GROUP BY over the manager's visible records (`visible_to`), so a
department head's list costs the same few queries as a team manager's.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.crm.models import Activity
from valuecrm.org.models import Role, User
from valuecrm.sales.models import Opportunity, Stage

STALLED_DAYS = 30  # no stage change for this long: the deal is stalled
ACTIVITY_DAYS = 30  # activity is counted over this window
LOW_ACTIVITY_RATIO = 0.5  # under half the team median: low
WIN_WINDOW_DAYS = 90  # win rate of deals closed in the last window vs the one before
MIN_CLOSED = 5  # closed deals needed in each window to speak of a trend
FALLING_RATIO = 0.7  # win rate under 70% of the previous window's: falling


@dataclass
class RepHelp:
    rep_id: int
    rep: str
    unit: str
    stalled_deals: int = 0
    activities: int = 0
    team_median_activities: float = 0.0
    win_rate: float | None = None
    previous_win_rate: float | None = None
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def _reps(user):
    reps = User.objects.filter(is_active=True, role=Role.REP).select_related("unit")
    if user.sees_everything:
        return reps
    if not user.unit_id:
        return reps.none()
    return reps.filter(unit__path__startswith=user.unit.path)


def _by_owner(qs, **aggregates) -> dict[int, dict]:
    rows = qs.order_by().values("owner_id").annotate(**aggregates)
    return {row.pop("owner_id"): row for row in rows}


def _rate(row: dict | None, won: str, closed: str) -> float | None:
    if not row or row[closed] < MIN_CLOSED:
        return None
    return row[won] / row[closed]


def reps_needing_help(user, *, now: datetime | None = None) -> list[RepHelp]:
    now = now or timezone.now()
    reps = list(_reps(user))
    deals = Opportunity.objects.visible_to(user)
    stalled = _by_owner(
        deals.filter(stage__outcome=Stage.Outcome.OPEN,
                     stage_entered_at__lt=now - timedelta(days=STALLED_DAYS)), n=Count("pk"))
    active = _by_owner(
        Activity.objects.visible_to(user).filter(
            started_at__gte=now - timedelta(days=ACTIVITY_DAYS)), n=Count("pk"))
    window = timedelta(days=WIN_WINDOW_DAYS)
    won, closed = Q(stage__outcome=Stage.Outcome.WON), ~Q(stage__outcome=Stage.Outcome.OPEN)
    rates = {}
    for name, since, until in (("now", now - window, now),
                               ("before", now - 2 * window, now - window)):
        rates[name] = _by_owner(deals.filter(closed, closed_at__gte=since, closed_at__lt=until),
                                won=Count("pk", filter=won), closed=Count("pk"))
    medians = {}
    for unit_id in {rep.unit_id for rep in reps}:
        medians[unit_id] = statistics.median(
            active.get(rep.pk, {}).get("n", 0) for rep in reps if rep.unit_id == unit_id)
    found = []
    for rep in reps:
        row = RepHelp(rep.pk, str(rep), str(rep.unit or ""),
                      stalled_deals=stalled.get(rep.pk, {}).get("n", 0),
                      activities=active.get(rep.pk, {}).get("n", 0),
                      team_median_activities=float(medians[rep.unit_id]),
                      win_rate=_rate(rates["now"].get(rep.pk), "won", "closed"),
                      previous_win_rate=_rate(rates["before"].get(rep.pk), "won", "closed"))
        _explain(row)
        if row.reasons:
            found.append(row)
    found.sort(key=lambda r: (-len(r.reasons), -r.stalled_deals, r.activities, r.rep))
    return found


def _explain(row: RepHelp) -> None:
    if row.stalled_deals:
        row.codes.append("stalled_deals")
        row.reasons.append(_("%(n)s open deals with no stage change for %(days)s days or more.")
                           % {"n": row.stalled_deals, "days": STALLED_DAYS})
    if row.team_median_activities and \
            row.activities < LOW_ACTIVITY_RATIO * row.team_median_activities:
        row.codes.append("low_activity")
        row.reasons.append(_("%(n)s activities in %(days)s days, under half the team median "
                             "of %(median)s.") % {"n": row.activities, "days": ACTIVITY_DAYS,
                                                  "median": row.team_median_activities})
    if row.win_rate is not None and row.previous_win_rate is not None \
            and row.win_rate < FALLING_RATIO * row.previous_win_rate:
        row.codes.append("falling_win_rate")
        row.reasons.append(_("Win rate fell from %(before)s%% to %(now)s%% (deals closed in the "
                             "last %(days)s days against the %(days)s before).") % {
            "before": round(row.previous_win_rate * 100), "now": round(row.win_rate * 100),
            "days": WIN_WINDOW_DAYS})
