"""Reading the uploaded spreadsheet row by row, and writing the template and error report."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple
from xml.etree import ElementTree

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from aftercare.imports import workbook as sheets
from aftercare.imports.columns import COLUMNS, HEADERS

CSV_ENCODINGS = ("utf-8-sig", "gb18030", "big5")


class UnreadableFile(ValueError):
    """The bytes are not a spreadsheet we can read."""


def _csv_text(content: bytes) -> str:
    """Excel saves CSV as UTF-8 with BOM, or in the local code page (GBK, Big5) without."""
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


def _csv_encoding(content: bytes) -> str:
    """The first of CSV_ENCODINGS that decodes the whole file (what `_csv_text` would pick),
    found without keeping the decoded text."""
    step = 1 << 20
    view = memoryview(content)
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), step):
                decoder.decode(view[start : start + step])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile("encoding")


class Rows(NamedTuple):
    """A file read row by row: its header row, then the others as they are read."""

    header: Sequence
    rows: Iterator[Sequence]  # spreadsheet rows 2, 3, … (blank ones included)
    count: int | None  # how many rows follow the header, when the file says so cheaply


def open_rows(content: bytes, file_format: str, *, apart: Any = None) -> Rows:
    """The rows of `read_rows`, without holding them all: a CSV is decoded and split as it is
    read; a workbook is read by calamine, in a child process of the multiprocessing context
    `apart` if one is given (see `imports.workbook`). Close `rows` if they are not all taken."""
    if file_format == "csv":
        text = io.TextIOWrapper(io.BytesIO(content), encoding=_csv_encoding(content), newline="")
        reader = csv.reader(text)
        return Rows(next(reader, []), (row for row in reader), None)
    try:
        if apart is None:
            count, rows = sheets.read_here(content)
        else:
            count, rows = sheets.read_apart(content, apart)
        header = next(rows, [])
    except sheets.WorkbookError as error:
        raise UnreadableFile(str(error)) from error
    return Rows(header, _unreadable_as_such(rows), count)


def _unreadable_as_such(rows: Iterator[Sequence]) -> Iterator[Sequence]:
    try:
        yield from rows
    except sheets.WorkbookError as error:
        raise UnreadableFile(str(error)) from error
    finally:
        rows.close()  # type: ignore[attr-defined]


def read_rows(content: bytes, file_format: str) -> list[Sequence]:
    """Every row's cell values, the header row first: row i of the list is spreadsheet row i+1."""
    if file_format == "csv":
        return list(csv.reader(io.StringIO(_csv_text(content), newline="")))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        try:
            return book.get_sheet_by_index(sheets.first_worksheet(book)).to_python(
                skip_empty_area=False  # keep the leading blank rows: row numbers stay true
            )
        finally:
            book.close()
    except Exception as error:  # zip, XML and calamine errors alike
        raise UnreadableFile(str(error)) from error


def read_head(content: bytes, file_format: str) -> tuple[Sequence, int | None]:
    """(header row, estimated data rows) without reading the whole file.

    The upload form only needs the header; the worker reads every row (and counts them
    exactly) anyway, so reading the whole sheet here would read 100 000 rows twice.
    """
    if file_format == "csv":
        # The header from the first line; the count from the bytes (a line feed is never part
        # of a character in UTF-8, GB18030 or Big5): the whole text is not made for that.
        text = io.TextIOWrapper(io.BytesIO(content), encoding=_csv_encoding(content), newline="")
        header = next(csv.reader(text), [])
        return header, max(0, content.count(b"\n") - 1)
    try:
        return _xlsx_head(content)
    except Exception:  # an unusual but valid workbook: let calamine read it all
        rows = read_rows(content, file_format)
        return (rows[0] if rows else ()), max(0, len(rows) - 1)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xlsx_head(content: bytes) -> tuple[list, int | None]:
    """The first row of the first worksheet, streaming its XML until that row ends."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        for sheet in book.iter(f"{_NS}sheet"):
            target = targets[sheet.get(f"{_REL_NS}id")]
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if "worksheets/" in path:
                break
        else:
            raise UnreadableFile("no worksheet")
        cells, estimate = {}, None
        with archive.open(path) as stream:
            for _event, element in ElementTree.iterparse(stream):
                if element.tag == f"{_NS}dimension":
                    last = _CELL_REF.fullmatch(element.get("ref", "").split(":")[-1])
                    estimate = max(0, int(last[2]) - 1) if last else None
                elif element.tag == f"{_NS}row":
                    if element.get("r", "1") == "1":
                        cells = _row_cells(element)
                    break
                elif element.tag == f"{_NS}sheetData":
                    break  # no row at all
            else:
                raise UnreadableFile("no sheet data")  # not the XML we expect: read it all
        shared = _shared_strings(archive, [v for kind, v in cells.values() if kind == "s"])
    width = max(cells, default=-1) + 1
    header = [None] * width
    for position, (kind, value) in cells.items():
        header[position] = shared[int(value)] if kind == "s" else value
    return header, estimate


def _row_cells(row) -> dict[int, tuple[str, str]]:
    cells = {}
    for position, cell in enumerate(row.iter(f"{_NS}c")):
        ref = _CELL_REF.fullmatch(cell.get("r") or "")
        position = _column_index(ref[1]) if ref else position
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{_NS}is")
            cells[position] = ("str", _string_item(inline) if inline is not None else "")
            continue
        value = cell.find(f"{_NS}v")
        if value is not None and value.text is not None:
            cells[position] = ("s" if kind == "s" else "str", value.text)
    return cells


def _shared_strings(archive, wanted: list[str]) -> dict[int, str]:
    """The shared strings up to the last one the header uses (they come first in the table)."""
    if not wanted:
        return {}
    last, strings = max(int(index) for index in wanted), {}
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == f"{_NS}si":
                strings[len(strings)] = _string_item(element)
                element.clear()
                if len(strings) > last:
                    break
    return strings


def _string_item(item) -> str:
    """Plain or rich text; phonetic guides (<rPh>) are not part of the value."""
    parts = []
    for child in item:
        if child.tag == f"{_NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{_NS}r":
            parts.extend(t.text or "" for t in child.iter(f"{_NS}t"))
    return "".join(parts)


def template(file_format: str) -> bytes:
    """The header row and one example row."""
    example = [column.example for column in COLUMNS]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerow(["" if v is None else str(v) for v in example])
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "客戶"
    sheet.append(HEADERS)
    sheet.append([v if v != "" else None for v in example])
    for cell in sheet[2]:
        if hasattr(cell.value, "year"):
            cell.number_format = "yyyy-mm-dd"
    for index, header in enumerate(HEADERS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(errors: list[dict], headings: tuple[str, str, str]) -> bytes:
    """The rows in error as CSV (UTF-8 with BOM so Excel shows the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    for error in errors:
        writer.writerow([error["row"], error["column"], error["message"]])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
