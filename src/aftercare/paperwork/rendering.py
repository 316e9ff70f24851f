"""HTML → PDF and rows → .xlsx: the two renderings every printable document shares.

Forms, reviews and letters render one HTML template for the screen, the printer (print CSS)
and the PDF, so the three never drift apart. WeasyPrint draws Chinese only with a CJK font
installed (Debian `fonts-noto-cjk`); `cjk_font_available()` lets the checks say so plainly.
"""

import shutil
import subprocess
from collections.abc import Iterable, Sequence
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
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = sheet_title[:31]
    for line in title_lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, header in enumerate(headers, start=1):
        width = max(8, min(40, len(str(header)) * 2 + 2))
        letter = sheet.cell(row=header_row, column=index).column_letter
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file download with a UTF-8 file name (Chinese names survive in every browser)."""
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
