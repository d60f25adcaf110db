"""Event logs from files: CSV (`csvlog`) and XES, plain or gzip-compressed, streamed with
`iterparse` so only one trace is in memory at a time. The format is recognised from the
content, not the name.
"""

import gzip
import xml.etree.ElementTree as ET
from typing import BinaryIO

from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.process.csvlog import read_csv
from valuecrm.process.log import (
    COMPLETE,
    BadTimestamp,
    Columns,
    EventLog,
    LogBuilder,
    parse_micros,
    timestamp_error,
)

GZIP_MAGIC = b"\x1f\x8b"


def read_log(stream: BinaryIO, columns: Columns, *, name: str = "",
             size: int | None = None) -> EventLog:
    """Read a seekable binary stream as XES (plain or .gz) or CSV."""
    start = stream.tell()
    head = stream.read(64)
    stream.seek(start)
    if head.startswith(GZIP_MAGIC):
        return read_xes(gzip.GzipFile(fileobj=stream, mode="rb"), columns)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_xes(stream, columns)
    return read_csv(stream, columns, name=name, size=size)


XES_ATTRIBUTES = {"string", "date", "int", "float", "boolean", "id"}


class _Names(dict):
    """Tag -> local name without the namespace, memoised (a few distinct tags, hundreds
    of thousands of elements)."""

    def __missing__(self, tag: str) -> str:
        self[tag] = local = tag.rpartition("}")[2]
        return local


def _attributes(element, names: _Names) -> dict[str, tuple[str, str]]:
    """The element's own attributes: key -> (type, value); nested ones are ignored."""
    out = {}
    for child in element:
        kind = names[child.tag]
        if kind in XES_ATTRIBUTES and (key := child.get("key")) is not None:
            out[key] = (kind, child.get("value", ""))
    return out


def _case_value(kind: str, value: str):
    if kind in ("int", "float"):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def read_xes(stream, columns: Columns) -> EventLog:
    case_key = columns.case or "concept:name"
    activity_key = columns.activity or "concept:name"
    time_key = columns.timestamp or "time:timestamp"
    builder = LogBuilder()
    root = None
    traces = 0
    events: list[dict] = []
    names = _Names()
    try:
        for kind, element in ET.iterparse(stream, events=("start", "end")):
            tag = names[element.tag]
            if kind == "start":
                if root is None:
                    root = element
                elif tag == "trace":
                    events = []
                continue
            if tag == "event":
                events.append(_attributes(element, names))
                element.clear()
            elif tag == "trace":
                traces += 1
                _add_trace(builder, traces, _attributes(element, names), events, columns,
                           case_key, activity_key, time_key)
                root.clear()  # drop the finished trace: memory stays one trace deep
    except ET.ParseError as exc:
        raise ValidationError({"file": [_("The file is not valid XES (%(error)s).")
                                        % {"error": exc}]}) from None
    except (OSError, EOFError) as exc:  # a damaged .gz
        raise ValidationError({"file": [_("The file cannot be read (%(error)s).")
                                        % {"error": exc}]}) from None
    return builder.build()


def _add_trace(builder: LogBuilder, number: int, trace: dict, events: list[dict],
               columns: Columns, case_key: str, activity_key: str, time_key: str) -> None:
    case = trace.get(case_key, ("", ""))[1] or _("trace %(number)s") % {"number": number}
    code = builder.case_code(case)
    for key, (kind, value) in trace.items():
        builder.set_attribute(code, key, _case_value(kind, value))
    for position, attrs in enumerate(events, start=1):
        def where(position=position):
            return _("Trace %(case)s, event %(event)s") % {"case": case, "event": position}

        if columns.lifecycle and attrs.get(columns.lifecycle, ("", ""))[1].lower() not in (
                COMPLETE, ""):
            builder.skipped += 1
            continue
        activity = attrs.get(activity_key, ("", ""))[1]
        if not activity:
            raise ValidationError({"activity": [
                _("%(where)s: it has no %(key)s.") % {"where": where(), "key": activity_key}]})
        try:
            micros = parse_micros(attrs.get(time_key, ("", ""))[1])
        except BadTimestamp as exc:
            raise timestamp_error(where(), exc) from None
        resource = attrs.get(columns.resource or "org:resource", ("", ""))[1]
        builder.add(case, activity, micros, resource)
        for attr in columns.attributes:
            if attr in attrs:
                builder.set_attribute(code, attr, _case_value(*attrs[attr]))
