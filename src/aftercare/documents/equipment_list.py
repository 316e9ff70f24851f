"""The equipment list of a system drawn from the register (BS-14: "the equipment list can be
generated from the register"), as an .xlsx in the active language."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.paperwork.rendering import workbook
from aftercare.sites.models import Equipment, System


def equipment_workbook(system: System, *, at: datetime) -> bytes:
    site = system.site
    tz = site.branch.organisation.tz
    items = Equipment.objects.filter(system=system, removed_on__isnull=True).order_by(
        "location", "name", "id"
    )
    headers = [
        _("No."),
        _("Name"),
        _("Model"),
        _("Serial number"),
        _("Location in the building"),
        _("Installed on"),
        _("Warranty starts on"),
        _("Warranty ends on"),
    ]
    rows = [
        [
            number,
            item.name,
            item.model,
            item.serial,
            item.location,
            item.installed_on,
            item.warranty_starts_on,
            item.warranty_ends_on,
        ]
        for number, item in enumerate(items, start=1)
    ]
    generated = timezone.localtime(at, tz).strftime("%Y-%m-%d %H:%M")
    return workbook(
        headers,
        rows,
        sheet_title=_("Equipment list"),
        title_lines=[
            f"設備清單 · {_('Equipment list')}",
            f"{site.name} · {system.name} ({system.get_kind_display()})",
            _("Generated from the register %(moment)s") % {"moment": generated},
        ],
    )
