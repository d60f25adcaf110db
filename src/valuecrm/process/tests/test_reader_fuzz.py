"""Property-based tests of the event-log reader: any bytes give a log or a clear error, and
the block reader (plain lines split by byte positions, timestamps parsed vectorised) gives
exactly what reading the file row by row with the csv module and `datetime` gives,
errors included, wherever block boundaries fall."""

import io
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuecrm.core.errors import ValidationError
from valuecrm.dataio.readers import UnreadableFile, open_sheet
from valuecrm.process import csvlog
from valuecrm.process.isotime import iso_micros
from valuecrm.process.log import (
    COMPLETE,
    BadTimestamp,
    LogBuilder,
    parse_micros,
    timestamp_error,
)
from valuecrm.process.readers import Columns, read_log

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
COLUMNS = Columns("case", "activity", "time", resource="who", lifecycle="life")

PLAIN = ["a", "b", "c", "审批", "x y", " a", "", "é" * 30, "\x00"]
QUOTED = ["a,b", 'say "hi"', "line\nbreak"]  # the csv module reads the rest of such a file
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5,
                                                                                minutes=-30))])
MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                       timezones=ZONES)


@st.composite
def stamps(draw) -> str:
    moment = draw(MOMENTS)
    layout = draw(st.sampled_from(["iso", "space", "Z", "naive", "micro", "milli", "compact",
                                   "empty", "junk", "garbled"]))
    if layout == "Z":
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
    if layout == "naive":
        return moment.replace(tzinfo=None).isoformat(sep=" ")
    if layout in ("micro", "milli"):
        return moment.isoformat(timespec="microseconds" if layout == "micro"
                                else "milliseconds")
    if layout == "compact":  # +0800
        text = moment.isoformat(timespec="seconds")
        return text[:-3] + text[-2:]
    if layout == "empty":
        return draw(st.sampled_from(["", " "]))
    if layout == "junk":
        return draw(st.text(max_size=30))
    text = moment.isoformat(sep=" " if layout == "space" else "T", timespec="seconds")
    if layout == "garbled":  # one character replaced: often an impossible date or time
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from("0123456789+-:TZ .x")) + text[at + 1:]
    return text


@st.composite
def csv_files(draw) -> bytes:
    def cell(value: str) -> str:
        if any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    end = draw(st.sampled_from(["\n", "\r\n"]))
    names = st.sampled_from(PLAIN + QUOTED if draw(st.booleans()) else PLAIN)
    lines = ["case,activity,time,who,life"]
    for _ in range(draw(st.integers(0, 40))):
        shape = draw(st.sampled_from(["row"] * 8 + ["blank", "short", "long"]))
        if shape == "blank":
            lines.append("")
            continue
        row = [draw(names), draw(names), draw(stamps()), draw(names),
               draw(st.sampled_from(["complete", "COMPLETE ", "", "start"]))]
        if shape == "short":
            row = row[:draw(st.integers(1, 4))]
        elif shape == "long":
            row.append("extra")
        lines.append(",".join(map(cell, row)))
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])),
                       errors="replace")


def read_row_by_row(data: bytes, columns: Columns):
    """The reference: the csv module and `parse_micros`, one row at a time."""
    sheet = open_sheet(io.BytesIO(data))
    names = [cell.strip() for cell in sheet.header]
    ci, ai, ti, ri, li = (names.index(c) for c in (columns.case, columns.activity,
                                                    columns.timestamp, columns.resource,
                                                    columns.lifecycle))
    builder = LogBuilder()
    try:
        for number, cells in sheet.rows:
            if len(cells) < 5:
                if not any(cells):
                    continue
                cells = cells + [""] * (5 - len(cells))
            if cells[li].strip().lower() not in (COMPLETE, ""):
                builder.skipped += 1
                continue
            if not cells[ci] or not cells[ai]:
                option = "case" if not cells[ci] else "activity"
                raise ValidationError({option: [
                    f"Row {number}: the {getattr(columns, option)} column is empty."]})
            try:
                micros = parse_micros(cells[ti])
            except BadTimestamp as exc:
                raise timestamp_error(f"Row {number}", exc) from None
            builder.add(cells[ci], cells[ai], micros, cells[ri])
    except UnreadableFile as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    return builder.build()


def outcome(read, data: bytes):
    try:
        log = read(data)
    except ValidationError as exc:
        return ("error", exc.message_dict)
    return ("log", log.case_names, log.activity_names, log.resource_names, log.skipped,
            log.case.tolist(), log.activity.tolist(), log.time.tolist(),
            log.resource.tolist())


@pytest.mark.parametrize("block_chars", [40, 1 << 22])
@FUZZ
@given(data=csv_files())
def test_block_reader_equals_reading_row_by_row(monkeypatch, block_chars, data):
    monkeypatch.setattr(csvlog, "BLOCK_CHARS", block_chars)
    ours = outcome(lambda d: read_log(io.BytesIO(d), COLUMNS), data)
    assert ours == outcome(lambda d: read_row_by_row(d, COLUMNS), data)
    if ours[0] == "error":
        [(field, [message])] = ours[1].items()
        assert field in ("case", "activity", "timestamp", "file") and message


@FUZZ
@given(data=st.binary(max_size=300) | csv_files().map(lambda d: d[: len(d) // 2])
       | st.binary(max_size=300).map(lambda d: b'<log><trace><string key="concept:name" '
                                               b'value="c"/><event>' + d))
def test_any_bytes_give_a_log_or_a_clear_error(data):
    columns = Columns("case", "activity", "time")
    try:
        log = read_log(io.BytesIO(data), columns)
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        assert messages and all(isinstance(m, str) and m for m in messages)
    else:
        assert log.events == len(log.time) > 0


@FUZZ
@given(values=st.lists(stamps(), max_size=20))
def test_vectorised_timestamps_equal_fromisoformat(values):
    micros, unparsed = iso_micros(values)
    for index, value in enumerate(values):
        if index in unparsed:
            continue
        assert micros[index] == parse_micros(value), value


def test_vectorised_timestamps_are_exact_far_from_1970():
    values = ["0001-01-01T00:00:00.000001+00:00", "9999-12-31T23:59:59.999999-05:30"]
    micros, unparsed = iso_micros(values)
    assert len(unparsed) == 0
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert micros.tolist() == [(datetime.fromisoformat(v) - epoch) // timedelta(microseconds=1)
                               for v in values]


def test_a_missing_timestamp_deep_in_a_large_file_names_its_row():
    lines = ["case,activity,time"] + [
        f"c{i % 97},a{i % 5},2025-03-01T09:{i % 60:02d}:00+08:00" for i in range(60_000)]
    lines[50_000] = "c1,a1,"
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(ValidationError) as caught:
        read_log(io.BytesIO(data), Columns("case", "activity", "time"))
    assert caught.value.message_dict == {"timestamp": ["Row 50001: the timestamp is empty."]}
    lines[50_000] = "c1,a1,2025-03-01T09:00:00+08:00"
    log = read_log(io.BytesIO(("\n".join(lines)).encode()), Columns("case", "activity", "time"))
    assert log.events == 60_000 and np.all(np.diff(log.case) >= 0)
