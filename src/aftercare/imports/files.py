"""Reading the uploaded spreadsheet row by row, and writing the template and error report."""

import codecs
import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook, load_workbook

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


def rows(content: bytes, file_format: str) -> Iterator[tuple[int, tuple]]:
    """(spreadsheet row number, cell values) for every row, the header row first."""
    if file_format == "csv":
        reader = csv.reader(io.StringIO(_csv_text(content), newline=""))
        yield from enumerate((tuple(row) for row in reader), start=1)
        return
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors alike
        raise UnreadableFile(str(error)) from error
    try:
        yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def count_rows(content: bytes, file_format: str) -> int | None:
    """Data rows for the progress bar: exact for CSV, the sheet's declared size for Excel."""
    if file_format == "csv":
        return max(0, sum(1 for _row in csv.reader(io.StringIO(_csv_text(content)))) - 1)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        max_row = workbook.worksheets[0].max_row
    finally:
        workbook.close()
    return max(0, max_row - 1) if max_row else None


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
