"""Process analysis entry points shared by the command line and the API: options from
their text form, a file's analysis, and a registered source's analysis in a user's scope."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import BinaryIO

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.core.routing import analytics_reads
from valuecrm.metrics.funnels import parse_window
from valuecrm.process.analysis import DERIVED, Options, analyze
from valuecrm.process.log import MICROS

__all__ = ["Options", "analyze_file", "analyze_source", "build_options", "list_sources"]
from valuecrm.process.readers import Columns, read_log
from valuecrm.process.sources import SOURCES, get_source, source_log


def _moment(text: str) -> datetime:
    """A date (midnight in the installation's time zone) or an ISO date-time."""
    try:
        if len(text.strip()) == 10:
            return timezone.make_aware(datetime.combine(date.fromisoformat(text), time()))
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError({"compare_before": [
            _("Write a date as YYYY-MM-DD, not %(text)r.") % {"text": text}]}) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def build_options(*, target: str | None = None, compare_before: str | None = None,
                  compare_attribute: str | None = None,
                  compare_values: list[str] | tuple[str, ...] | None = None,
                  risk: list[str] | tuple[str, ...] = (), top: int = 20,
                  stage_targets: list[str] | tuple[str, ...] = ()) -> Options:
    if compare_before and compare_attribute:
        raise ValidationError({"compare_before": [
            _("Compare either by date or by attribute, not both.")]})
    if compare_attribute and (not compare_values or len(compare_values) != 2):
        raise ValidationError({"compare_values": [
            _("Give exactly two values of %(attribute)s to compare.")
            % {"attribute": compare_attribute}]})
    if not 1 <= top <= 1000:
        raise ValidationError({"top": [_("Show between 1 and 1000 rows.")]})
    return Options(
        target=parse_window(target, "target") if target else None,
        compare_before=_moment(compare_before) if compare_before else None,
        compare_attribute=compare_attribute or None,
        compare_values=tuple(compare_values) if compare_attribute else None,
        risk_attributes=tuple(a for a in risk if a), top=top,
        stage_targets=tuple(_stage_target(text) for text in stage_targets if text))


def _stage_target(text: str) -> tuple[str, timedelta]:
    """`STAGE=DURATION`, e.g. `procurement=3d` (the stage as the log names the activity)."""
    stage, equals, duration = text.rpartition("=")
    if not equals or not stage.strip():
        raise ValidationError({"stage_target": [
            _("Write a stage target as STAGE=DURATION, e.g. procurement=3d, not %(text)r.")
            % {"text": text}]})
    return stage.strip(), parse_window(duration, "stage_target")


def attributes_needed(options: Options) -> tuple[str, ...]:
    """The case attributes a file must provide for these options."""
    names = [*options.risk_attributes]
    if options.compare_attribute:
        names.append(options.compare_attribute)
    return tuple(dict.fromkeys(n for n in names if n not in DERIVED))


def analyze_file(stream: BinaryIO, columns: Columns, options: Options, *, name: str = "",
                 size: int | None = None) -> dict:
    columns = replace(columns, attributes=tuple(
        dict.fromkeys([*columns.attributes, *attributes_needed(options)])))
    return analyze(read_log(stream, columns, name=name, size=size), options)


@analytics_reads()
def analyze_source(name: str, user, options: Options, *, start: date | None = None,
                   end: date | None = None) -> dict:
    """The analysis of a registered source, over the records `user` may see; with `start`
    and/or `end`, only the cases that began within those local days (a case is kept or
    dropped whole, so its stage times stay complete). Without stage targets given, a
    source's own apply (the order stages' target days)."""
    source = get_source(name)
    if not options.stage_targets and source.stage_targets is not None:
        options = replace(options, stage_targets=tuple(source.stage_targets().items()))
    log = source_log(name, user)
    if start or end:
        log = log.select_cases(_started_within(log, start, end))
        if log.cases == 0:
            raise ValidationError({"start": [_("No case of %(source)s began in this span.")
                                             % {"source": name}]})
    result = analyze(log, options)
    result["source"] = name
    return result


def _started_within(log, start: date | None, end: date | None):
    first = log.time[log.case_starts[:-1]]
    keep = np.ones(log.cases, dtype=bool)
    if start:
        keep &= first >= round(_moment(start.isoformat()).timestamp() * MICROS)
    if end:
        keep &= first < round(_moment((end + timedelta(days=1)).isoformat()).timestamp()
                              * MICROS)
    return keep


def list_sources() -> list[dict]:
    return [{"name": s.name, "label": str(s.label)} for s in SOURCES.values()]
