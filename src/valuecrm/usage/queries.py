"""Usage analytics, always within the caller's scope (a rep: themselves; a manager or
department head: their subtree; analysts and admins: everyone).

Definitions (the same as the catalog's usage metrics, so both give the same numbers):
- licensed users: active accounts (in scope, optionally under `org`);
- active users of a span: people with at least one usage event in it;
- DAU: person-days / days on which anyone in scope used the system, so weekends and
  holidays without use do not dilute it; WAU and MAU: the mean of distinct users per
  calendar week / month that had any use;
- stickiness: DAU / active users of the span (DAU/MAU when the span is a month);
- sessions per user: distinct sessions / active users;
- adoption of a feature: its users / licensed users;
- time to adopt: days from a feature's release (or the person's joining, if later) to
  their first use of it.
Team means the person's current unit, as everywhere in ValueCRM's figures.
"""

from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.org.actions import SYSTEM_USERNAME
from valuecrm.org.models import OrgUnit, User
from valuecrm.org.scope import can_see_unit
from valuecrm.usage.features import OTHER, features
from valuecrm.usage.features import label as feature_label
from valuecrm.usage.models import FeatureRelease, UsageDay, UsageEvent

UNDERUSED_SHARE = 0.3


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise ValidationError({"to": ["The end is before the start."]})
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def _org_q(user, org: int | None, path: str) -> Q:
    if org is None:
        return Q()
    unit = OrgUnit.objects.filter(pk=org).first()
    if unit is None or not can_see_unit(user, unit):
        raise NotFound(f"org unit {org} not found")
    return Q(**{f"{path}unit__path__startswith": unit.path})


def licensed_users(user, org: int | None = None):
    """Active accounts the caller may see figures of."""
    people = User.objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME)
    if user is None or not user.is_authenticated or not user.is_active:
        return people.none()
    if not user.sees_everything:
        if user.manages_subtree and user.unit_id:
            people = people.filter(unit__path__startswith=user.unit.path)
        else:
            people = people.filter(pk=user.pk)
    return people.filter(_org_q(user, org, ""))


def events(user, start: date, end: date, org: int | None = None):
    low, high = _bounds(start, end)
    return UsageEvent.objects.visible_to(user).filter(
        _org_q(user, org, "user__"), occurred_at__gte=low, occurred_at__lt=high)


def active_days(user, start: date, end: date, org: int | None = None):
    _bounds(start, end)
    return UsageDay.objects.visible_to(user).filter(
        _org_q(user, org, "user__"), day__gte=start, day__lte=end)


def _mean(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _ratio(a, b) -> float | None:
    return a / b if b else None


def summary(user, start: date, end: date, org: int | None = None) -> dict:
    days = active_days(user, start, end, org)
    person_days = days.count()
    used_days = days.values("day").distinct().count()
    active = days.values("user").distinct().count()
    weekly = days.annotate(p=TruncWeek("day")).values("p").annotate(n=Count("user", distinct=True))
    monthly = days.annotate(p=TruncMonth("day")).values("p").annotate(
        n=Count("user", distinct=True))
    happened = events(user, start, end, org)
    sessions = happened.exclude(session="").values("session").distinct().count()
    dau = _ratio(person_days, used_days)
    return {
        "from": start.isoformat(), "to": end.isoformat(), "org": org,
        "licensed_users": licensed_users(user, org).count(),
        "active_users": active, "person_days": person_days, "days_in_use": used_days,
        "dau": dau, "wau": _mean(row["n"] for row in weekly),
        "mau": _mean(row["n"] for row in monthly),
        "stickiness": _ratio(dau, active) if dau is not None else None,
        "events": happened.count(), "sessions": sessions,
        "sessions_per_user": _ratio(sessions, active),
    }


def active_share_by_team(user, start: date, end: date, org: int | None = None) -> list[dict]:
    """Per unit: licensed users, those active in the span, and the share."""
    licensed = dict(licensed_users(user, org).exclude(unit=None).values_list("unit")
                    .annotate(n=Count("pk")))
    active = dict(active_days(user, start, end, org).exclude(user__unit=None)
                  .values_list("user__unit").annotate(n=Count("user", distinct=True)))
    names = dict(OrgUnit.objects.filter(pk__in=licensed).values_list("pk", "name"))
    return [{"unit": unit, "name": names[unit], "licensed_users": n,
             "active_users": active.get(unit, 0), "active_share": active.get(unit, 0) / n}
            for unit, n in sorted(licensed.items(), key=lambda kv: names[kv[0]])]


def feature_adoption(user, start: date, end: date, org: int | None = None,
                     grain: str = "month") -> list[dict]:
    """Per period and feature: people who used it and their share of licensed users."""
    trunc = {"month": TruncMonth, "week": TruncWeek}.get(grain)
    if trunc is None:
        raise ValidationError({"grain": ["Use week or month."]})
    licensed = licensed_users(user, org).count()
    rows = (events(user, start, end, org)
            .annotate(p=trunc("occurred_at", tzinfo=timezone.get_current_timezone()))
            .values("p", "feature").annotate(n=Count("user", distinct=True))
            .order_by("p", "feature"))
    return [{"period": _day(row["p"]).isoformat(), "feature": row["feature"],
             "label": feature_label(row["feature"]), "users": row["n"],
             "adoption": _ratio(row["n"], licensed)} for row in rows]


def _day(value) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def time_to_adopt(user, org: int | None = None) -> list[dict]:
    """Per released feature: how many licensed people use it, and the median days from
    release (or their joining, if later) to their first use."""
    releases = dict(FeatureRelease.objects.values_list("feature", "released_on"))
    people = {p.pk: timezone.localtime(p.date_joined).date()
              for p in licensed_users(user, org).only("pk", "date_joined")}
    first = (UsageEvent.objects.visible_to(user).filter(
        feature__in=releases, user__in=list(people)).values("feature", "user")
        .annotate(first=Min("occurred_at")))
    waits: dict[str, list[int]] = {key: [] for key in releases}
    for row in first:
        since = max(releases[row["feature"]], people[row["user"]])
        waits[row["feature"]].append(max(0, (_day(row["first"]) - since).days))
    return [{"feature": key, "label": feature_label(key),
             "released_on": releases[key].isoformat(), "adopters": len(waits[key]),
             "licensed_users": len(people), "adoption": _ratio(len(waits[key]), len(people)),
             "median_days_to_adopt": median(waits[key]) if waits[key] else None}
            for key in sorted(releases, key=lambda k: (releases[k], k))]


def adoption_by_team(user, start: date, end: date, org: int | None = None) -> list[dict]:
    """Per unit and useful feature: its users in the span and their share of the unit's
    licensed people, with the share across the caller's whole scope for comparison."""
    useful = [f.key for f in features().values() if f.useful and f.key != OTHER]
    licensed = dict(licensed_users(user, org).exclude(unit=None).values_list("unit")
                    .annotate(n=Count("pk")))
    used = events(user, start, end, org).filter(feature__in=useful).exclude(user__unit=None)
    by_team = {(r["user__unit"], r["feature"]): r["n"] for r in used.values(
        "user__unit", "feature").annotate(n=Count("user", distinct=True))}
    overall = dict(used.values_list("feature").annotate(n=Count("user", distinct=True)))
    total = sum(licensed.values())
    names = dict(OrgUnit.objects.filter(pk__in=licensed).values_list("pk", "name"))
    return [{"unit": unit, "name": names[unit], "feature": key, "label": feature_label(key),
             "users": by_team.get((unit, key), 0), "licensed_users": n,
             "share": by_team.get((unit, key), 0) / n,
             "share_overall": _ratio(overall.get(key, 0), total)}
            for unit, n in sorted(licensed.items(), key=lambda kv: names[kv[0]])
            for key in useful]


def underused_features(user, start: date, end: date, org: int | None = None,
                       threshold: float = UNDERUSED_SHARE) -> list[dict]:
    """Per unit, the useful features used by fewer than `threshold` of its licensed people,
    with the share across the caller's whole scope for comparison."""
    return [row for row in adoption_by_team(user, start, end, org) if row["share"] < threshold]


def usage_report(user, start: date, end: date, org: int | None = None,
                 threshold: float = UNDERUSED_SHARE) -> dict:
    from valuecrm.usage.actions import track

    track(user, "reports", "run")
    return {"summary": summary(user, start, end, org),
            "teams": active_share_by_team(user, start, end, org),
            "adoption": feature_adoption(user, start, end, org),
            "time_to_adopt": time_to_adopt(user, org),
            "underused": underused_features(user, start, end, org, threshold)}
