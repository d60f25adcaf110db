"""Streaming readers for spreadsheets: CSV in any of the encodings Chinese offices produce,
and XLSX. Both yield one row at a time, so memory does not grow with the file.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

CHUNK = 1 << 16
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message is shown to the user."""


@dataclass
class Sheet:
    """An opened spreadsheet: its header cells and an iterator of (row number, cells).

    Row numbers are those a spreadsheet program shows (the header is row 1), so a user can
    find a reported row. `size` and `position()` drive the progress bar: bytes for CSV,
    rows for XLSX.
    """

    file_format: str
    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    size: int | None
    position: Callable[[], int]
    unit: str
    # The text layer over a CSV stream: held so that it is not collected (and the stream
    # closed under the reader) when the rows run out.
    text: io.TextIOWrapper | None = None
    delimiter: str = ","


def detect_encoding(stream: BinaryIO) -> str:
    """BOM first; otherwise UTF-8 if the whole file decodes strictly, else GB18030 (a superset
    of GBK and GB2312, what Excel on Chinese Windows writes). Reads the file once in chunks,
    so a late non-ASCII row cannot fool it and memory stays constant."""
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"
    finally:
        stream.seek(start)


def _delimiter(header_line: str) -> str:
    # Excel's "Unicode text" is tab-separated and European locales write semicolons.
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _open_csv(stream: BinaryIO, size: int | None) -> Sheet:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("The file is not valid text (%(error)s).") % {"error": exc}) from None
    delimiter = _delimiter(first)
    reader = csv.reader(_chain(first, text), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise UnreadableFile(_("The file is empty: it has no header row."))
    return Sheet("csv", encoding.removesuffix("-sig"), header, numbered_rows(reader, 1), size,
                 stream.tell, "B", text, delimiter)


def numbered_rows(reader, last_number: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a csv reader whose previous row was `last_number`; a row
    that cannot be decoded or parsed stops the file with its number."""
    number = last_number
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFile(
            _("Row %(row)s cannot be read (%(error)s).") % {"row": number + 1, "error": exc}
        ) from None


def _chain(first: str, rest):
    yield first
    yield from rest


def cell_text(value) -> str:
    """An XLSX cell as the text a user typed: 13812345678.0 stays a phone number, dates
    are ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, (date, Decimal, int, float)):
        return str(value)
    return str(value)


def _open_xlsx(stream: BinaryIO) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        total = sheet.max_row
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise UnreadableFile(
            _("The file is not a readable XLSX workbook (%(error)s).")
            % {"error": exc.__class__.__name__}
        ) from None
    if header is None or not any(cell is not None and str(cell).strip() for cell in header):
        raise UnreadableFile(_("The file is empty: it has no header row."))
    state = {"row": 1}

    def rows():
        try:
            for cells in values:
                state["row"] += 1
                yield state["row"], [cell_text(v) for v in cells]
        except Exception as exc:  # noqa: BLE001
            raise UnreadableFile(
                _("Row %(row)s cannot be read (%(error)s).")
                % {"row": state["row"] + 1, "error": exc.__class__.__name__}
            ) from None
        finally:
            book.close()

    return Sheet("xlsx", "", [cell_text(c) for c in header], rows(), total,
                 lambda: state["row"], "rows")


def open_sheet(stream: BinaryIO, size: int | None = None, name: str = "") -> Sheet:
    """Open a seekable binary stream as CSV or XLSX, recognised by content (a workbook
    renamed .csv still reads); a file named .xlsx must be a workbook."""
    start = stream.tell()
    magic = stream.read(4)
    stream.seek(start)
    if not magic:
        raise UnreadableFile(_("The file is empty."))
    if magic.startswith(OLE_MAGIC):
        raise UnreadableFile(_("Old .xls workbooks are not supported: save it as .xlsx or CSV."))
    if magic.startswith(XLSX_MAGIC):
        return _open_xlsx(stream)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(_("The file is named .xlsx but is not an XLSX workbook."))
    return _open_csv(stream, size)


def open_path(path: str | Path) -> tuple[BinaryIO, int]:
    path = Path(path)
    try:
        return path.open("rb"), path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(_("Cannot open %(path)s: %(error)s") % {
            "path": path, "error": exc.strerror}) from None
