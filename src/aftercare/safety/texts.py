"""Titles of the safety duties (DS-12, DS-13), worded when shown (obligations/texts.py)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message
from aftercare.safety.choices import EquipmentKind


def _equipment(params: Mapping[str, Any]) -> dict[str, Any]:
    """The item as the register shows it: its kind in the reader's words, then its label."""
    kind = params.get("kind", "")
    words = EquipmentKind(kind).label if kind in EquipmentKind.values else kind
    return {**params, "item": f"{words} {params.get('label', '')}".strip()}


# Keys are stored with the obligations: never rename one.
TITLES = {
    # DS-12. The obligation falls due at the end of the clearance day (DS-12 counts days), so
    # the bin's usual time is given as a habit, never as the deadline: "by 17:30" next to a
    # 23:59 deadline told the advisor one thing and the on-time rate another.
    "bin": Message(_("Clear the rag bin %(place)s · %(label)s")),
    "bin_at": Message(
        _("Clear the rag bin %(place)s · %(label)s (usual time %(time)s, due end of day)")
    ),
    # DS-13: the kind is stored as its code (`powder`) and worded for each reader.
    "equipment_inspection": Message(_("Inspect %(item)s at %(place)s"), _equipment),
    "equipment_replacement": Message(_("Replace %(item)s at %(place)s"), _equipment),
}
