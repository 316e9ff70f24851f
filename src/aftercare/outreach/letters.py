"""Letter texts and documents: the body from a template, .docx (python-docx), PDF, labels.

The text is composed once, from the customer's details and the campaign or raised item, and
stored on the register line; the .docx and the PDF are drawn from that stored text, so what
was printed is what the register says.
"""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from aftercare.outreach.choices import LetterKind


@dataclass
class LetterText:
    customer: object
    kind: str
    subject: str
    body: str
    address: str
    branch: object
    sent_at: object = None
    register_number: str = ""


def _context(customer, campaign, raised_item) -> dict:
    tz = customer.branch.organisation.tz
    vehicle = customer.vehicles.order_by("id").first()
    context = {"customer": customer, "vehicle": vehicle, "branch": customer.branch}
    if campaign is not None:
        context.update(
            campaign=campaign,
            starts=date_format(timezone.localtime(campaign.starts_at, tz), "DATETIME_FORMAT"),
            ends=date_format(timezone.localtime(campaign.ends_at, tz), "DATETIME_FORMAT"),
            kind_label=campaign.get_kind_display(),
        )
    if raised_item is not None:
        context["item"] = raised_item
    return context


def compose(kind: str, customer, *, campaign=None, raised_item=None) -> LetterText:
    """Subject and body from outreach/letters/<kind>_{subject,body}.txt."""
    context = _context(customer, campaign, raised_item)
    subject = render_to_string(f"outreach/letters/{kind}_subject.txt", context).strip()
    body = render_to_string(f"outreach/letters/{kind}_body.txt", context).strip()
    return LetterText(customer, kind, subject, body, customer.address, customer.branch)


def from_letter(letter) -> LetterText:
    from aftercare.outreach.actions import effective_value

    return LetterText(
        letter.customer, effective_value(letter, "kind"), effective_value(letter, "subject"),
        effective_value(letter, "body"), effective_value(letter, "address"), letter.branch,
        letter.sent_at, letter.register_number,
    )  # fmt: skip


def _date_line(text: LetterText) -> str:
    tz = text.branch.organisation.tz
    moment = text.sent_at or timezone.now()
    return date_format(timezone.localtime(moment, tz).date(), "DATE_FORMAT")


def _new_document():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    return document


def _add_letter(document, text: LetterText, *, new_page: bool) -> None:
    """One letter; every letter after the first starts on a new page."""
    first = document.add_paragraph(str(text.branch.organisation.name) + " · " + str(text.branch))
    if new_page:
        first.paragraph_format.page_break_before = True
    if text.branch.address:
        document.add_paragraph(text.branch.address)
    document.add_paragraph(text.customer.name)
    document.add_paragraph(text.address)
    document.add_paragraph(_date_line(text))
    if text.register_number:
        document.add_paragraph(text.register_number)
    document.add_heading(text.subject, level=1)
    for paragraph in text.body.split("\n"):
        document.add_paragraph(paragraph)


def docx(texts: list[LetterText]) -> bytes:
    """One .docx (opens in Word and WPS) with a page per letter."""
    document = _new_document()
    for index, text in enumerate(texts):
        _add_letter(document, text, new_page=bool(index))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(chunks: Iterable[list[LetterText]], path: Path) -> Iterator[int]:
    """The same .docx for any number of letters, written to `path` chunk by chunk.

    python-docx holds a whole document in memory; here each chunk is drawn in a small
    document of its own and its paragraphs are streamed into the package's document.xml, so
    memory stays that of one chunk. Yields the number of letters written after each chunk.
    """
    from docx.oxml.ns import qn
    from lxml import etree

    empty = BytesIO()
    _new_document().save(empty)
    sect_pr = qn("w:sectPr")
    written = 0
    with (
        zipfile.ZipFile(empty) as template,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        for item in template.infolist():
            if item.filename != "word/document.xml":
                package.writestr(item, template.read(item.filename))
                continue
            xml = template.read(item.filename)
            cut = xml.rindex(b"<w:sectPr")
            with package.open("word/document.xml", "w") as part:
                part.write(xml[:cut])
                for chunk in chunks:
                    document = _new_document()
                    for text in chunk:
                        _add_letter(document, text, new_page=bool(written))
                        written += 1
                    for element in document.element.body:
                        if element.tag != sect_pr:
                            part.write(etree.tostring(element, encoding="utf-8"))
                    yield written
                part.write(xml[cut:])


def pdf(texts: list[LetterText]) -> bytes:
    from aftercare.paperwork.rendering import render_pdf

    letters = [{"text": t, "date": _date_line(t), "paragraphs": t.body.split("\n")} for t in texts]
    return render_pdf("outreach/letters_print.html", {"letters": letters})


LABELS_PER_ROW, LABEL_ROWS = 3, 8  # A4 sheet of 24 labels (70 × 37 mm)


def labels_pdf(texts: list[LetterText]) -> bytes:
    from aftercare.paperwork.rendering import render_pdf

    per_sheet = LABELS_PER_ROW * LABEL_ROWS
    sheets = [texts[i : i + per_sheet] for i in range(0, len(texts), per_sheet)]
    rows = [
        [sheet[r : r + LABELS_PER_ROW] for r in range(0, len(sheet), LABELS_PER_ROW)]
        for sheet in sheets
    ]
    return render_pdf("outreach/labels_print.html", {"sheets": rows})


def join_pdfs(parts: list[Path], target: Path) -> Path:
    """The parts of a batch as one PDF, in order; the parts are removed. Returns `target`.

    pypdf copies the parts' page objects without laying anything out again, so joining
    10 000 letters costs seconds, not another rendering.
    """
    from pypdf import PdfWriter

    if len(parts) == 1:
        return parts[0].replace(target)
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with target.open("wb") as out:
        writer.write(out)
    writer.close()
    for part in parts:
        part.unlink()
    return target


KIND_FILE = {LetterKind.NOTICE: "notice", LetterKind.INVITATION: "invitation",
             LetterKind.REPLY: "reply"}  # fmt: skip
