"""The system's own event logs, registered by name: `valuecrm process analyze --source
NAME` and `GET /api/v1/process/sources/NAME/analysis` find them here.

A source is a function `events(user)` yielding `(case_id, activity, timestamp, resource)`
for the records `user` may see (it must start from `Model.objects.visible_to(user)`), and
optionally `case_attributes(user)` returning `{case_id: {name: value}}` for comparisons and
risk factors, and `stage_targets()` returning `{activity: timedelta}` (used when the
caller gives no stage targets). Registering one is a single call, e.g. from the owning
app's `ready()`:

    register_source("orders", _("Order stages"), delivery.queries.order_event_log)
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.process.log import (
    BadTimestamp,
    EventLog,
    LogBuilder,
    parse_micros,
    timestamp_error,
)

Event = tuple[object, str, datetime, str | None]


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    events: Callable[[object], Iterable[Event]]
    case_attributes: Callable[[object], Mapping[object, Mapping[str, object]]] | None = None
    # {activity: timedelta}: the stage targets applied when the caller gives none.
    stage_targets: Callable[[], Mapping[str, timedelta]] | None = None


SOURCES: dict[str, Source] = {}


def register_source(name: str, label, events, case_attributes=None,
                    stage_targets=None) -> None:
    """Make `events(user)` analysable as `name` (re-registering replaces it)."""
    SOURCES[name] = Source(name, label, events, case_attributes, stage_targets)


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise NotFound(_("No event log source %(name)r (sources: %(names)s).") % {
            "name": name, "names": ", ".join(sorted(SOURCES))}) from None


def source_log(name: str, user) -> EventLog:
    """The named source's events visible to `user`, as an event log."""
    source = get_source(name)
    builder = LogBuilder()
    for number, (case, activity, when, resource) in enumerate(source.events(user), start=1):
        try:
            micros = parse_micros(when)
        except BadTimestamp as exc:
            raise timestamp_error(_("%(source)s event %(number)s (case %(case)s)") % {
                "source": name, "number": number, "case": case}, exc) from None
        builder.add(str(case), str(activity), micros, resource or "")
    if not builder:
        raise ValidationError({"source": [_("No events of %(source)s are visible to you.")
                                          % {"source": name}]})
    if source.case_attributes is not None:
        for case, attributes in source.case_attributes(user).items():
            code = builder.case_code(str(case))
            for key, value in attributes.items():
                builder.set_attribute(code, key, value)
    return builder.build()


def opportunity_events(user) -> Iterable[Event]:
    """Every stage each visible opportunity entered, with when and who moved it."""
    from valuecrm.sales.models import Opportunity, OpportunityStageChange

    changes = OpportunityStageChange.objects.filter(
        opportunity__in=Opportunity.objects.visible_to(user)
    ).order_by("opportunity_id", "changed_at", "id").values_list(
        "opportunity_id", "to_stage__name", "changed_at", "actor__username")
    yield from changes.iterator(chunk_size=5000)


def opportunity_attributes(user) -> dict:
    from valuecrm.sales.models import Opportunity

    rows = Opportunity.objects.visible_to(user).values_list(
        "pk", "owner__username", "stage__outcome", "amount", "customer__channel__name")
    return {pk: {"owner": owner, "outcome": outcome, "amount": float(amount),
                 "channel": channel}
            for pk, owner, outcome, amount, channel in rows.iterator(chunk_size=5000)}


def register_builtin_sources() -> None:
    register_source("opportunities", gettext_lazy("Opportunity stage history"),
                    opportunity_events, opportunity_attributes)
