"""Reading the first worksheet of a workbook row by row: in this process, or in one of its own.

calamine holds the whole sheet in memory while it is read (some 230 MB for 100 000 rows of 27
columns). Read in a child process, that memory is given back when the child ends, and the
long-lived process that runs the imports never grows by it; the child sends the rows as
Python values, a thousand at a time, as fast as they are taken.

Nothing here imports Django: a spawned child starts in this module.
"""

import io
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum

BATCH = 1000  # rows a child sends at a time


class WorkbookError(ValueError):
    """The bytes are not a workbook calamine reads, or it has no worksheet."""


def first_worksheet(workbook: CalamineWorkbook) -> int:
    """Index of the first worksheet (a chart sheet may come first), as openpyxl counted them."""
    for index, sheet in enumerate(workbook.sheets_metadata):
        if sheet.typ == SheetTypeEnum.WorkSheet:
            return index
    raise WorkbookError("no worksheet")


def _open(content: bytes) -> tuple[CalamineWorkbook, CalamineSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return workbook, workbook.get_sheet_by_index(first_worksheet(workbook))
    except WorkbookError:
        raise
    except Exception as error:  # zip, XML and calamine errors alike
        raise WorkbookError(str(error)) from error


def _rows(workbook: CalamineWorkbook, sheet: CalamineSheet) -> Iterator[list[Any]]:
    """The rows as `to_python(skip_empty_area=False)` gives them: from the sheet's first row and
    first column, blank ones included (row numbers stay true)."""
    start = sheet.start
    blank_columns = [""] * (start[1] if start else 0)
    try:
        for row in sheet.iter_rows():
            yield blank_columns + row if blank_columns else row
    finally:
        workbook.close()


def _size(sheet: CalamineSheet) -> int:
    """How many rows follow the first one (blank ones included)."""
    end = sheet.end
    return end[0] if end else 0


def read_here(content: bytes) -> tuple[int, Iterator[list[Any]]]:
    """(rows after the first, every row from the first) read in this process."""
    workbook, sheet = _open(content)
    return _size(sheet), _rows(workbook, sheet)


def read_apart(content: bytes, context: Any) -> tuple[int, Iterator[list[Any]]]:
    """The same as `read_here`, calamine running in a child process of `context` (a
    multiprocessing context). The child is stopped if the rows are not all taken."""
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_send_rows, args=(sending, content), daemon=True)
    child.start()
    sending.close()
    try:
        kind, value = receiving.recv()
    except BaseException:
        _stop(receiving, child)
        raise
    if kind == "error":
        _stop(receiving, child)
        raise WorkbookError(value)
    return value, _received(receiving, child)


def _received(receiving: Connection, child: Any) -> Iterator[list[Any]]:
    try:
        while True:
            kind, value = receiving.recv()
            if kind == "rows":
                yield from value
            elif kind == "end":
                return
            else:
                raise WorkbookError(value)
    finally:
        _stop(receiving, child)


def _stop(receiving: Connection, child: Any) -> None:
    receiving.close()
    if child.is_alive():  # the rows were not all taken: the child waits to send more
        child.terminate()
    child.join()


def _send_rows(sending: Connection, content: bytes) -> None:
    """In the child: the size, then the rows in batches, then "end" (or an "error")."""
    try:
        workbook, sheet = _open(content)
        sending.send(("size", _size(sheet)))
        batch: list[list[Any]] = []
        for row in _rows(workbook, sheet):
            batch.append(row)
            if len(batch) == BATCH:
                sending.send(("rows", batch))
                batch = []
        sending.send(("rows", batch))
        sending.send(("end", None))
    except (BrokenPipeError, EOFError):
        pass  # the parent stopped reading
    except Exception as error:
        sending.send(("error", str(error)))
    finally:
        sending.close()
