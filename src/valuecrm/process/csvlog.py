"""Event logs from CSV (any encoding and delimiter the importer reads, through
`dataio.readers`; XLSX too), read in blocks of rows and added column by column.

Most exports are plain: no quotes, one record per line, every line with the header's
number of fields. Such a block of text is split with two `str.split` calls and sliced
into columns, instead of one Python list per row; a block with irregular lines goes
through the csv module, and from the first quote on the csv module reads the rest of the
file (a quoted field may hold delimiters and line breaks). Row numbers are the ones a
spreadsheet program shows in both paths.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO

import numpy as np
from django.utils.translation import gettext as _
from numpy.lib.stride_tricks import sliding_window_view

from valuecrm.core.errors import ValidationError
from valuecrm.dataio.readers import Sheet, UnreadableFile, numbered_rows, open_sheet
from valuecrm.process.isotime import chars_micros, iso_micros
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

BLOCK_CHARS = 1 << 22
BLOCK_ROWS = 1 << 12
WIDEST_GATHERED = 256  # longer cells are sliced one by one instead of gathered in a matrix


@dataclass
class _Block:
    """Rows of the file: their numbers, the needed columns coded (by column index), and
    the timestamps: microseconds where the vectorised reader read them, the indexes of
    the rest, and a way to get a row's timestamp text."""

    numbers: Sequence[int]
    columns: dict[int, Coded]
    micros: np.ndarray
    unparsed: np.ndarray
    stamp: Callable[[int], str]

    def __len__(self) -> int:
        return len(self.numbers)

    def select(self, keep: np.ndarray) -> "_Block":
        """The rows where `keep` is true (names of dropped rows are dropped too)."""
        kept = np.flatnonzero(keep)
        position = np.cumsum(keep) - 1
        return _Block([self.numbers[row] for row in kept.tolist()],
                      {index: Coded.of([column.names[code] for code in
                                        column.codes[kept].tolist()])
                       for index, column in self.columns.items()},
                      self.micros[kept], position[self.unparsed[keep[self.unparsed]]],
                      lambda row: self.stamp(int(kept[row])))


@dataclass(frozen=True)
class _Fields:
    """Column indexes of the event fields (None: not given) and the options naming them."""

    case: int
    activity: int
    timestamp: int
    resource: int | None
    lifecycle: int | None
    attributes: list[tuple[str, int]]
    columns: Columns

    @property
    def coded(self) -> list[int]:
        """The columns read as names (all but the timestamp's)."""
        indexes = {self.case, self.activity, self.resource, self.lifecycle,
                   *(index for _, index in self.attributes)}
        return sorted(index for index in indexes if index is not None)


def _column_index(header: list[str], column: str | None, option: str) -> int | None:
    if column is None:
        return None
    names = [cell.strip() for cell in header]
    if column not in names:
        raise ValidationError({option: [_("No column %(column)r in the file (columns: "
                                          "%(columns)s).") % {"column": column,
                                                             "columns": ", ".join(names)}]})
    return names.index(column)


def read_csv(stream: BinaryIO, columns: Columns, *, name: str = "",
             size: int | None = None) -> EventLog:
    missing = [option for option in ("case", "activity", "timestamp")
               if not getattr(columns, option)]
    if missing:
        raise ValidationError({option: [_("Name the %(option)s column.") % {"option": option}]
                               for option in missing})
    try:
        sheet = open_sheet(stream, size=size, name=name)
    except UnreadableFile as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    header = sheet.header
    fields = _Fields(
        _column_index(header, columns.case, "case"),
        _column_index(header, columns.activity, "activity"),
        _column_index(header, columns.timestamp, "timestamp"),
        _column_index(header, columns.resource, "resource"),
        _column_index(header, columns.lifecycle, "lifecycle"),
        [(attr, _column_index(header, attr, "attribute")) for attr in columns.attributes],
        columns)
    builder = LogBuilder()
    try:
        for block in _blocks(sheet, fields):
            _add_block(builder, block, fields)
    except UnreadableFile as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    return builder.build()


def _row_blocks(rows: Iterator[tuple[int, list[str]]], fields: _Fields) -> Iterator[_Block]:
    """Blocks from (row number, cells): blank lines dropped, short rows padded."""
    width = max(fields.coded + [fields.timestamp]) + 1
    while chunk := list(islice(rows, BLOCK_ROWS)):
        if any(len(cells) < width for _, cells in chunk):
            chunk = [(number, cells + [""] * (width - len(cells)))
                     for number, cells in chunk if len(cells) >= width or any(cells)]
        if not chunk:
            continue
        stamps = [cells[fields.timestamp] for _, cells in chunk]
        yield _Block([number for number, _ in chunk],
                     {index: Coded.of([cells[index] for _, cells in chunk])
                      for index in fields.coded},
                     *iso_micros(stamps), stamps.__getitem__)


def _blocks(sheet: Sheet, fields: _Fields) -> Iterator[_Block]:
    per_line = len(sheet.header)
    if sheet.text is None or per_line < 2:  # XLSX, or nothing to split on
        yield from _row_blocks(sheet.rows, fields)
        return
    text, delimiter = sheet.text, sheet.delimiter
    number, carry = 1, ""  # the header is row 1
    while True:
        try:
            data = text.read(BLOCK_CHARS)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("Row %(row)s cannot be read (%(error)s).")
                                 % {"row": number + 1, "error": exc}) from None
        block, carry = _whole_lines(carry + data, at_end=not data)
        if not block:
            if data:
                continue  # a line longer than the block so far
            return
        if '"' in block or "\r" in block.replace("\r\n", ""):
            # Quoted fields (or bare CR line ends): the csv module reads the rest.
            rest = chain(io.StringIO(block + carry + text.readline()), text)
            yield from _row_blocks(numbered_rows(
                csv.reader(rest, delimiter=delimiter), number), fields)
            return
        regular = _split_regular(block.encode(), delimiter, per_line, number, fields)
        if regular is None:  # blank lines, missing or extra fields: row by row
            lines = block.replace("\r\n", "\n").removesuffix("\n").split("\n")
            yield from _row_blocks(numbered_rows(
                csv.reader(lines, delimiter=delimiter), number), fields)
        else:
            yield regular
        number += block.count("\n") + (not block.endswith("\n"))


def _whole_lines(data: str, *, at_end: bool) -> tuple[str, str]:
    """The text up to the last line break, and what follows (all of it at the end)."""
    if at_end:
        return data, ""
    cut = data.rfind("\n") + 1
    return data[:cut], data[cut:]


def _split_regular(raw: bytes, delimiter: str, per_line: int, number: int,
                   fields: _Fields) -> _Block | None:
    """A block whose every line has `per_line` fields (None otherwise), cut by the byte
    positions of delimiters and line breaks; no string per cell is made."""
    buf = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(buf == ord("\n"))
    if buf[-1] != ord("\n"):
        ends = np.append(ends, len(buf))
    starts = np.concatenate(([0], ends[:-1] + 1))
    delimiters = np.flatnonzero(buf == ord(delimiter))
    if len(delimiters) != len(ends) * (per_line - 1):
        return None
    # Positions are sorted and the total is right: if every line's share lies inside the
    # line, every line has exactly its share.
    delimiters = delimiters.reshape(len(ends), per_line - 1)
    if not ((delimiters[:, 0] >= starts).all() and (delimiters[:, -1] < ends).all()):
        return None
    line_ends = ends - (buf[ends - 1] == ord("\r"))
    windows = sliding_window_view(
        np.concatenate((buf, np.zeros(WIDEST_GATHERED, dtype=np.uint8))), WIDEST_GATHERED)

    def bounds(index: int) -> tuple[np.ndarray, np.ndarray]:
        start = starts if index == 0 else delimiters[:, index - 1] + 1
        end = delimiters[:, index] if index < per_line - 1 else line_ends
        return start, end

    start, end = bounds(fields.timestamp)
    gathered = _gather(windows, start, end)
    if gathered is None:
        stamps = [raw[a:b].decode() for a, b in zip(start.tolist(), end.tolist(), strict=True)]
        micros, unparsed = iso_micros(stamps)
    else:
        micros, unparsed = chars_micros(*gathered)

    def stamp(row: int) -> str:
        return raw[start[row]:end[row]].decode()

    return _Block(range(number + 1, number + 1 + len(ends)),
                  {index: _coded(raw, windows, *bounds(index)) for index in fields.coded},
                  micros, unparsed, stamp)


def _gather(windows: np.ndarray, start: np.ndarray, end: np.ndarray):
    """The cells between `start` and `end` as a matrix of bytes, zero-padded to a multiple
    of 8 columns, and their lengths; None when a cell is too long for a matrix.
    `windows[i]` are the bytes from position i on (a strided view of the block)."""
    lengths = end - start
    width = -(-int(lengths.max()) // 8) * 8
    if width > WIDEST_GATHERED:
        return None
    cells = windows[start, :width]
    cells[np.arange(width) >= lengths[:, None]] = 0
    return cells, lengths


def _coded(raw: bytes, windows: np.ndarray, start: np.ndarray, end: np.ndarray) -> Coded:
    """A column coded from its cells' bytes: only its distinct values become text."""
    gathered = _gather(windows, start, end)
    if gathered is None or gathered[0].shape[1] == 0:
        return Coded.of([raw[a:b].decode() for a, b in zip(start.tolist(), end.tolist(),
                                                           strict=True)])
    cells, lengths = gathered
    # Distinct values by a 64-bit hash of the bytes and the length (sorting integers is
    # fast), then checked byte for byte: a collision falls back to sorting the bytes.
    words = cells.view(np.uint64)
    key = lengths.astype(np.uint64)
    for column in range(words.shape[1]):
        key = key * np.uint64(1099511628211) + words[:, column]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if not ((cells == cells[first[inverse]]).all() and (lengths == lengths[first[inverse]]).all()):
        _, first, inverse = np.unique(
            np.ascontiguousarray(np.concatenate([words, key[:, None]], axis=1))
            .view(f"V{(words.shape[1] + 1) * 8}").ravel(), return_index=True,
            return_inverse=True)
        inverse = inverse.ravel()
    order = np.argsort(first)  # number distinct values in order of first appearance
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    names = [raw[start[row]:end[row]].decode() for row in first[order].tolist()]
    return Coded(names, rank[inverse])


def _add_block(builder: LogBuilder, block: _Block, fields: _Fields) -> None:
    """Add a block column by column. Its first bad row (an empty case, activity or
    timestamp, an unreadable timestamp) is reported, as reading row by row would."""
    if fields.lifecycle is not None:
        life = block.columns[fields.lifecycle]
        complete = np.array([name.strip().lower() in (COMPLETE, "") for name in life.names],
                            dtype=bool)
        keep = complete[life.codes]
        if not keep.all():
            builder.skipped += int((~keep).sum())
            block = block.select(keep)
    if not len(block):
        return
    cases, activities = block.columns[fields.case], block.columns[fields.activity]
    empty = min((int(np.argmax(column.codes == column.names.index("")))
                 for column in (cases, activities) if "" in column.names), default=len(block))
    for row in block.unparsed.tolist():
        if row >= empty:
            break
        try:
            block.micros[row] = parse_micros(block.stamp(row))
        except BadTimestamp as exc:
            raise timestamp_error(_("Row %(row)s") % {"row": block.numbers[row]}, exc) from None
    if empty < len(block):
        option = "case" if not cases.values()[empty] else "activity"
        raise ValidationError({option: [
            _("Row %(row)s: the %(column)s column is empty.")
            % {"row": block.numbers[empty], "column": getattr(fields.columns, option)}]})
    codes = builder.add_many(cases, activities, block.micros,
                             None if fields.resource is None else block.columns[fields.resource])
    for attr, index in fields.attributes:
        for code, value in zip(codes.tolist(), block.columns[index].values(), strict=True):
            builder.set_attribute(code, attr, value)
