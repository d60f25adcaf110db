"""Shared input parsing of the value report for the CLI, the API and the page."""

from datetime import date

from django.utils.translation import gettext as _

from valuecrm.core.errors import NotFound, ValidationError
from valuecrm.org.models import OrgUnit
from valuecrm.value.measure import Period
from valuecrm.value.models import Initiative, OperationsCycle


def parse_range(text: str, name: str) -> Period:
    """FROM..TO (ISO dates, inclusive)."""
    start, sep, end = (text or "").partition("..")
    try:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:
        period = None
    if not sep or period is None:
        raise ValidationError({name: [_("Write the period as YYYY-MM-DD..YYYY-MM-DD.")]})
    if period.start > period.end:
        raise ValidationError({name: [_("The end date is before the start date.")]})
    return period


def report_inputs(actor, *, org=None, initiatives=(), cycle=None) -> dict:
    """The org unit, initiatives and cycle named by id, within the actor's scope."""
    out = {"org_unit": None, "initiatives": None, "cycle": None}
    if org not in (None, ""):
        out["org_unit"] = OrgUnit.objects.filter(pk=org).first()
        if out["org_unit"] is None:
            raise NotFound(_("No org unit %(id)s.") % {"id": org})
    if initiatives:
        found = list(Initiative.objects.visible_to(actor).filter(pk__in=initiatives)
                     .prefetch_related("metrics"))
        if len(found) != len(set(initiatives)):
            raise NotFound(_("No such initiative."))
        out["initiatives"] = found
    if cycle not in (None, ""):
        out["cycle"] = OperationsCycle.objects.get_visible(actor, cycle)
    return out
