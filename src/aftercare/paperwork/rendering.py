"""HTML → PDF and rows → .xlsx: the two renderings every printable document shares.

Forms, reviews and letters render one HTML template for the screen, the printer (print CSS)
and the PDF, so the three never drift apart. WeasyPrint draws Chinese only with a CJK font
installed (Debian `fonts-noto-cjk`); `cjk_font_available()` lets the checks say so plainly.
"""

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def cjk_font_available() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (else PDFs show boxes)."""
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    import weasyprint  # heavy import: only when a PDF is asked for

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    context = {**context, "for_pdf": True}
    return html_to_pdf(render_to_string(template_name, context, request=request))


def workbook(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Sheet1",
    title_lines: Sequence[str] = (),
) -> bytes:
    """One sheet: optional title lines, then a bold header row, then one row per record.

    Moments must be passed as naive local datetimes or strings: Excel has no time zones.
    """
    return workbook_sheets([Sheet(sheet_title, headers, rows, title_lines)])


@dataclass
class Sheet:
    """One sheet of a workbook: title lines, a header row, one row per record."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    title_lines: Sequence[str] = ()


_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def workbook_sheets(sheets: Sequence[Sheet]) -> bytes:
    """Several sheets in one workbook (a form with its own tables: vehicles, history...)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, sheet in enumerate(sheets, start=1):
        title = (str(sheet.title).translate(_SHEET_TITLE_FORBIDDEN).strip() or "Sheet")[:31]
        if title in used:  # Excel refuses two sheets of one name
            title = f"{title[:27]} ({index})"
        used.add(title)
        _fill(book.create_sheet(title), sheet)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(sheet, spec: Sheet) -> None:
    from openpyxl.styles import Alignment, Font

    for line in spec.title_lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)
    sheet.append(list(spec.headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    widths = [max(8, min(40, len(str(header)) * 2 + 2)) for header in spec.headers]
    for row in spec.rows:
        sheet.append(list(row))
        for index, cell in enumerate(sheet[sheet.max_row]):
            value = cell.value
            if cell.data_type == "f":  # typed text is never a formula (=HYPERLINK(...) and co.)
                cell.data_type = "s"
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index < len(widths):
                # CJK characters are about two Latin ones wide.
                shown = max(
                    (_display_width(part) for part in str(value or "").split("\n")), default=0
                )
                widths[index] = max(widths[index], min(60, shown + 2))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, width in enumerate(widths, start=1):
        letter = sheet.cell(row=header_row, column=index).column_letter
        sheet.column_dimensions[letter].width = width


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file download with a UTF-8 file name (Chinese names survive in every browser)."""
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
