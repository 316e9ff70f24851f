"""A long register's PDF drawn in parts, so a worker can report progress as it goes.

WeasyPrint lays out a register line in ~14 ms and holds the whole layout in memory; one pass
over 3 000 lines gives no sign of life for a minute. Here each part of ~200 lines is laid out
on its own, then the pages are joined into one file:

- the 序號 keep counting across parts (`Table.first_number`); the header row repeats on every
  page as in one pass (`thead`); the title heads the first part, the signatures end the last;
- a part's last page is usually half full: it is dropped and the next part starts with its
  first line, so every page but the last is as full as one pass would make it;
- the footers (form, "n / N", branch) cannot be known while the parts are drawn (N is not
  known yet): the parts are drawn without them, then a second document of N empty pages
  carries only the footers and each of its pages' margin boxes is laid over the part's page.
  That reaches into WeasyPrint's laid-out pages (`Page._page_box`); the test of the export
  reads "n / N" on every page, so an upgrade that changes this fails loudly;
- the pages of the parts drawn so far stay in memory (millions of objects): Python's cyclic
  garbage collector would walk them all again during each part, ~20 % of the time at 1 000
  lines. They are frozen out of its sight after each part (`gc.freeze`) and given back at
  the end, unless someone else froze objects first (a pre-forking server), then left alone.
"""

import gc
from collections.abc import Callable
from dataclasses import replace

from django.template.loader import render_to_string

from aftercare.paperwork.documents import Document

TEMPLATE = "paperwork/document.html"
FRAME = "paperwork/frame.html"
PART_LINES = 200


def register_pdf(
    doc: Document,
    *,
    part_lines: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, int]:
    """The PDF of a one-table register and its number of pages.

    `progress(lines_done, lines_total)` is called after each part.
    """
    part_lines = part_lines or PART_LINES
    freeze = gc.get_freeze_count() == 0
    try:
        return _draw(doc, part_lines, progress, freeze)
    finally:
        if freeze:
            gc.unfreeze()


def _draw(doc: Document, part_lines: int, progress, freeze: bool) -> tuple[bytes, int]:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()  # shared: every part uses the same fonts
    table = doc.tables[0]
    total = len(table.rows)
    parts, pages = [], []
    start = 0
    while True:
        stop = min(start + part_lines, total)
        last = stop >= total
        part = replace(
            doc, tables=[replace(table, rows=table.rows[start:stop], first_number=start + 1)]
        )
        html = render_to_string(
            TEMPLATE, {"doc": part, "for_pdf": True, "part": {"first": start == 0, "last": last}}
        )
        rendered = weasyprint.HTML(string=html).render(font_config=fonts)
        kept = rendered.pages
        if not last:
            resume = _carried_over(kept)
            if resume is not None and resume - 1 > start:
                kept, stop = kept[:-1], resume - 1
        parts.append(rendered)
        pages.extend(kept)
        start = stop
        if freeze:
            gc.collect()  # the part's own garbage goes first, or it would stay till the end
            gc.freeze()
        if progress:
            progress(start, total)
        if last:
            break
    _lay_footers(doc, pages, fonts)
    return parts[0].copy(pages).write_pdf(), len(pages)


def _lines_on(page) -> list[int]:
    return [
        int(box.element.get("data-line"))
        for box in page._page_box.descendants()
        if box.element is not None
        and box.element_tag == "tr"
        and box.element.get("data-line") is not None
    ]


def _carried_over(pages) -> int | None:
    """The first line of the last page, if that page can be drawn again by the next part:
    more than one page, and no line split across the last two pages."""
    if len(pages) < 2:
        return None
    lines = _lines_on(pages[-1])
    if not lines:
        return None
    first = min(lines)
    if first in _lines_on(pages[-2]):
        return None
    return first


def _lay_footers(doc: Document, pages: list, fonts) -> None:
    import weasyprint
    from weasyprint.formatting_structure.boxes import MarginBox

    html = render_to_string(FRAME, {"doc": doc, "for_pdf": True, "pages": range(len(pages))})
    frame = weasyprint.HTML(string=html).render(font_config=fonts)
    if len(frame.pages) != len(pages):  # never seen; numbers that lie would be worse than none
        raise RuntimeError(f"footer pages {len(frame.pages)} != {len(pages)}")
    for page, framed in zip(pages, frame.pages, strict=True):
        margins = [box for box in framed._page_box.children if isinstance(box, MarginBox)]
        page._page_box.children = [*page._page_box.children, *margins]
