"""Equipment lists imported from a spreadsheet into one system (the import kind `equipment`).

The import machinery (`aftercare.imports`: the job, its progress, the row report, all or
nothing or only the valid rows) reads the file and calls these two functions from its worker:
`check_rows` cleans every row by the same rules as `actions.add_equipment` and writes nothing;
`write_rows` adds the valid rows in one transaction, with their history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare import moments
from aftercare.errors import Errors
from aftercare.records.bulk import insert_with_history
from aftercare.sites.actions import clean_equipment
from aftercare.sites.models import Equipment, System, serial_key

WRITE_BATCH = 2000
MAX_REPORTED_ERRORS = 10_000

# Column key → the headers a sheet may use for it (compared case- and space-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "名稱", "名称", "設備名稱", "设备名称"),
    "model": ("model", "型號", "型号"),
    "serial": ("serial", "serial number", "序號", "序号", "序列號", "序列号"),
    "location": ("location", "位置", "安裝位置", "安装位置"),
    "installed_on": ("installed_on", "installed on", "安裝日期", "安装日期"),
}
REQUIRED = ("name",)
HEADERS = {"name": "名稱", "model": "型號", "serial": "序號", "location": "位置",
           "installed_on": "安裝日期"}  # fmt: skip


def _fold(text: object) -> str:
    return "".join(str(text or "").split()).lower()


_INDEX = {_fold(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def match_headers(header_row: Sequence[Any]) -> tuple[dict[int, str], list[str], list[str]]:
    """(position → column key, unknown or repeated headers, missing required headers)."""
    found: dict[int, str] = {}
    unknown: list[str] = []
    for position, raw in enumerate(header_row):
        text = str(raw or "").strip()
        if not text:
            continue
        key = _INDEX.get(_fold(text))
        if key is None or key in found.values():
            unknown.append(text)
            continue
        found[position] = key
    missing = [HEADERS[key] for key in REQUIRED if key not in found.values()]
    return found, unknown, missing


@dataclass
class Row:
    number: int
    fields: dict[str, Any]


@dataclass
class EquipmentCheck:
    """What `imports.actions` reads of a check: totals, the valid rows and the row report."""

    total: int = 0
    valid: list[Row] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_rows: int = 0


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value: object) -> date:
    from aftercare.imports.columns import parse_date  # the archive import's date reader

    day: date = parse_date(value)  # type: ignore[no-untyped-call]
    if not moments.plausible_year(day):
        raise ValueError(str(moments.DATE_OUT_OF_RANGE))
    return day


def check_rows(
    system: System, rows: Sequence[Sequence[Any]], progress: Any = None
) -> EquipmentCheck:
    """Every data row cleaned and checked against the file and the system; nothing written.

    A serial may appear once in the system (spaces, dashes and case ignored), like a plate in
    the archive import: a second one is reported with the row that has it first.
    """
    header = rows[0] if rows else ()
    positions, _unknown, missing = match_headers(header)
    if missing:
        raise ValueError("header")
    headers = {key: str(header[pos]).strip() for pos, key in positions.items()}
    check = EquipmentCheck()
    existing = set(
        system.equipment.filter(removed_on__isnull=True)
        .exclude(serial_key="")
        .values_list("serial_key", flat=True)
    )
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(_cell_text(v) for v in values):
            continue  # blank lines are not rows
        check.total += 1
        raw = {key: values[pos] if pos < len(values) else None for pos, key in positions.items()}
        errors = Errors()
        installed_on = None
        if _cell_text(raw.get("installed_on")):
            try:
                installed_on = _cell_date(raw["installed_on"])
            except ValueError as error:
                errors.add("installed_on", str(error))
        cleaned = clean_equipment(
            errors,
            name=_cell_text(raw.get("name")),
            model=_cell_text(raw.get("model")),
            serial=_cell_text(raw.get("serial")),
            location=_cell_text(raw.get("location")),
        )
        key = serial_key(cleaned["serial"])
        if key and key in existing:
            errors.add("serial", _("This serial number is already in the system."))
        elif key and key in seen:
            errors.add(
                "serial", _("The same serial number is on row %(row)d.") % {"row": seen[key]}
            )
        elif key:
            seen[key] = number
        if not errors:
            check.valid.append(Row(number, {**cleaned, "installed_on": installed_on}))
        else:
            check.error_rows += 1
            for name, messages in errors.items():
                for message in messages:
                    if len(check.errors) < MAX_REPORTED_ERRORS:
                        column = headers.get(name, HEADERS.get(name, name))
                        check.errors.append({"row": number, "column": column, "message": message})
        if progress is not None and check.total % 500 == 0:
            progress(check.total)
    return check


def write_rows(system: System, rows: Sequence[Row], *, by: Any, reason: str) -> int:
    """Add the rows to the system (the caller holds the job's lock and transaction)."""
    items = []
    for row in rows:
        item = Equipment(
            system=system,
            branch_id=system.site.branch_id,
            warranty_starts_on=system.warranty_starts_on,
            warranty_ends_on=system.warranty_ends_on,
            **row.fields,
        )
        item.serial_key = serial_key(item.serial)  # bulk inserts skip save()
        items.append(item)
    with transaction.atomic():
        for start in range(0, len(items), WRITE_BATCH):
            insert_with_history(
                Equipment, items[start : start + WRITE_BATCH], user=by, reason=reason[:100],
                at=timezone.now(), batch_size=WRITE_BATCH,
            )  # fmt: skip
    return len(items)


def template() -> bytes:
    """An empty workbook with the header row (the upload page offers it)."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([HEADERS[key] for key in COLUMNS])
    sheet.append(["半球攝像機", "DS-2CD3126", "HKDS-2026-00001", "5F 電梯廳", "2026-03-02"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
