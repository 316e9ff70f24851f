"""The checklists shipped for each kind of system: created for an organisation on first need
(`actions.ensure_templates`) and stored by code, so each reader sees a shipped item's wording in
their own language; an item edited by the organisation keeps its own text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftercare.maintenance.choices import ChecklistItemKind as K
from aftercare.sites.choices import SystemKind


@dataclass(frozen=True)
class Shipped:
    code: str
    kind: str
    text: Promise
    unit: str = ""
    low: Decimal | None = None
    high: Decimal | None = None


def _d(value: str) -> Decimal:
    return Decimal(value)


_GENERAL = [
    Shipped("general_condition", K.CHECK, _("General condition and cleanliness of the equipment")),
    Shipped("general_function", K.CHECK, _("Main functions tested")),
    Shipped("general_photo", K.PHOTO, _("Photo of the main equipment")),
]

SHIPPED: dict[str, list[Shipped]] = {
    SystemKind.CCTV: [
        Shipped("cctv_image", K.CHECK, _("Every camera shows a clear image, day and night")),
        Shipped("cctv_lens", K.CHECK, _("Lenses and housings cleaned")),
        Shipped("cctv_recording", K.CHECK, _("Recorder records every channel")),
        Shipped("cctv_retention", K.READING, _("Days of recordings kept"), "d", _d("30")),
        Shipped("cctv_disk", K.CHECK, _("Hard disks healthy (no SMART warnings)")),
        Shipped("cctv_time", K.CHECK, _("Recorder time synchronised")),
        Shipped("cctv_rack", K.PHOTO, _("Photo of the recorder rack")),
    ],
    SystemKind.ACCESS_CONTROL: [
        Shipped("acs_readers", K.CHECK, _("Every card reader responds")),
        Shipped("acs_locks", K.CHECK, _("Locks release and lock again; door contacts report")),
        Shipped("acs_fire_release", K.CHECK, _("Doors release on the fire alarm signal")),
        Shipped("acs_battery", K.READING, _("Backup battery voltage"), "V", _d("12.6"), _d("13.8")),
        Shipped("acs_log", K.CHECK, _("Event log reviewed; time synchronised")),
    ],
    SystemKind.FIRE_ALARM: [
        Shipped("fa_panel", K.CHECK, _("Control panel shows no fault or disablement")),
        Shipped("fa_detectors", K.CHECK, _("Sample of detectors tested with test gas or heat")),
        Shipped("fa_call_points", K.CHECK, _("Manual call points tested")),
        Shipped("fa_sounders", K.CHECK, _("Sounders and beacons work in every zone")),
        Shipped("fa_battery", K.READING, _("Standby battery voltage"), "V", _d("24.0"), _d("27.6")),
        Shipped("fa_panel_photo", K.PHOTO, _("Photo of the control panel")),
    ],
    SystemKind.BMS: [
        Shipped("bms_controllers", K.CHECK, _("Every controller communicates")),
        Shipped("bms_sensors", K.CHECK, _("Sensor readings plausible against a reference")),
        Shipped(
            "bms_chw_supply",
            K.READING,
            _("Chilled water supply temperature"),
            "°C",
            _d("5"),
            _d("9"),
        ),  # fmt: skip
        Shipped("bms_alarms", K.CHECK, _("Alarm history reviewed and open alarms handled")),
        Shipped("bms_backup", K.CHECK, _("Server database backed up")),
    ],
    SystemKind.PUBLIC_ADDRESS: [
        Shipped("pa_amplifiers", K.CHECK, _("Amplifiers work without fault indication")),
        Shipped("pa_zones", K.CHECK, _("Every zone audible and intelligible")),
        Shipped("pa_line", K.READING, _("Speaker line insulation"), "MΩ", _d("20")),
        Shipped("pa_emergency", K.CHECK, _("Emergency broadcast overrides background music")),
    ],
    SystemKind.CABLING: [
        Shipped("cab_labels", K.CHECK, _("Patch panels and cables labelled")),
        Shipped("cab_links", K.CHECK, _("Sample of links tested")),
        Shipped("cab_cabinet_temp", K.READING, _("Cabinet temperature"), "°C", _d("10"), _d("35")),
        Shipped("cab_earthing", K.CHECK, _("Cabinets earthed; no loose connections")),
        Shipped("cab_photo", K.PHOTO, _("Photo of the main cabinet")),
    ],
}


def shipped_for(kind: str) -> list[Shipped]:
    """The shipped items of a kind of system; a general list for kinds without their own."""
    return SHIPPED.get(kind, _GENERAL)


TEXTS: dict[str, Promise] = {
    item.code: item.text for items in [*SHIPPED.values(), _GENERAL] for item in items
}


def item_text(code: str, text: str) -> str:
    """An item's words in the reader's language: its own text, else the shipped wording."""
    if text:
        return text
    shipped = TEXTS.get(code)
    return str(shipped) if shipped is not None else code
