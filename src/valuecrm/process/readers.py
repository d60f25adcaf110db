"""Event logs from files: CSV (`csvlog`) and XES, plain or gzip-compressed, streamed with
expat's callbacks so only one trace is in memory at a time. The format is recognised from the
content, not the name.
"""

import gzip
from typing import BinaryIO
from xml.parsers import expat

from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.process.csvlog import read_csv
from valuecrm.process.isotime import iso_micros
from valuecrm.process.log import (
    COMPLETE,
    BadTimestamp,
    Coded,
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


def _case_value(kind: str, value: str):
    if kind in ("int", "float"):
        try:
            return float(value)
        except ValueError:
            return value
    return value


class _Pending:
    """Events of finished traces not yet added: added in bulk (names coded, timestamps
    parsed vectorised) every few thousand events and at the end."""

    FLUSH_AT = 1 << 13

    def __init__(self, builder: LogBuilder):
        self.builder = builder
        self._clear()

    def _clear(self) -> None:
        self.cases: list[str] = []
        self.activities: list[str] = []
        self.stamps: list[str] = []
        self.resources: list[str] = []
        self.where: list[tuple[str, int]] = []  # (case, event number) for errors

    def flush(self) -> None:
        if not self.cases:
            return
        micros, unparsed = iso_micros(self.stamps)
        for index in unparsed.tolist():
            try:
                micros[index] = parse_micros(self.stamps[index])
            except BadTimestamp as exc:
                raise timestamp_error(_where(*self.where[index]), exc) from None
        self.builder.add_many(Coded.of(self.cases), Coded.of(self.activities), micros,
                              Coded.of(self.resources))
        self._clear()


def _where(case: str, position: int) -> str:
    return _("Trace %(case)s, event %(event)s") % {"case": case, "event": position}


class _XesHandler:
    """Expat callbacks collecting the attributes of each trace and its events; nothing is
    built for other elements, and a finished trace is handed on and forgotten."""

    def __init__(self, pending: "_Pending", columns: Columns, keys: tuple[str, str, str]):
        self.pending, self.columns, self.keys = pending, columns, keys
        self.open: list[str] = []  # local names of the open elements
        self.names: dict[str, str] = {}  # tag -> local name (a few distinct tags)
        self.trace: dict = {}
        self.event: dict = {}
        self.events: list[dict] = []
        self.traces = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = self.names.get(tag)
        if local is None:
            local = self.names[tag] = tag.rpartition(":")[2]
        parent = self.open[-1] if self.open else None
        self.open.append(local)
        if local == "trace":
            self.trace, self.events = {}, []
        elif local == "event":
            self.event = {}
        elif local in XES_ATTRIBUTES and (key := attributes.get("key")) is not None:
            value = (local, attributes.get("value", ""))
            if parent == "event":
                self.event[key] = value
            elif parent == "trace":
                self.trace[key] = value

    def end(self, tag: str) -> None:
        local = self.open.pop()
        if local == "event":
            self.events.append(self.event)
        elif local == "trace":
            self.traces += 1
            _add_trace(self.pending, self.traces, self.trace, self.events, self.columns,
                       self.keys)
            self.events = []
            if len(self.pending.cases) >= self.pending.FLUSH_AT:
                self.pending.flush()


def read_xes(stream, columns: Columns) -> EventLog:
    """Streamed through expat's callbacks (what ElementTree parses with, without building
    elements): memory holds one trace and the events awaiting their bulk add."""
    keys = (columns.case or "concept:name", columns.activity or "concept:name",
            columns.timestamp or "time:timestamp")
    builder = LogBuilder()
    pending = _Pending(builder)
    handler = _XesHandler(pending, columns, keys)
    parser = expat.ParserCreate()  # no namespace processing: tags keep their prefix
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    try:
        parser.ParseFile(stream)
        pending.flush()
    except expat.ExpatError as exc:
        raise ValidationError({"file": [_("The file is not valid XES (%(error)s).")
                                        % {"error": exc}]}) from None
    except (OSError, EOFError) as exc:  # a damaged .gz
        raise ValidationError({"file": [_("The file cannot be read (%(error)s).")
                                        % {"error": exc}]}) from None
    return builder.build()


def _add_trace(pending: _Pending, number: int, trace: dict, events: list[dict],
               columns: Columns, keys: tuple[str, str, str]) -> None:
    case_key, activity_key, time_key = keys
    builder = pending.builder
    case = trace.get(case_key, ("", ""))[1] or _("trace %(number)s") % {"number": number}
    code = builder.case_code(case)
    for key, (kind, value) in trace.items():
        builder.set_attribute(code, key, _case_value(kind, value))
    for position, attrs in enumerate(events, start=1):
        if columns.lifecycle and attrs.get(columns.lifecycle, ("", ""))[1].lower() not in (
                COMPLETE, ""):
            builder.skipped += 1
            continue
        activity = attrs.get(activity_key, ("", ""))[1]
        if not activity:
            pending.flush()  # an earlier bad timestamp is reported first
            raise ValidationError({"activity": [
                _("%(where)s: it has no %(key)s.") % {"where": _where(case, position),
                                                     "key": activity_key}]})
        pending.cases.append(case)
        pending.activities.append(activity)
        pending.stamps.append(attrs.get(time_key, ("", ""))[1])
        pending.resources.append(attrs.get(columns.resource or "org:resource", ("", ""))[1])
        pending.where.append((case, position))
        for attr in columns.attributes:
            if attr in attrs:
                builder.set_attribute(code, attr, _case_value(*attrs[attr]))
