from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = ["parts.view_part", "parts.view_stockmovement", "parts.view_reservation"]
_FIELD = [*_READ, "parts.add_reservation", "parts.add_installation"]
_STORE = [
    *_FIELD,
    "parts.add_part",
    "parts.change_part",
    "parts.add_stockmovement",
    "parts.view_installation",
]


def _reservation_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-12: the part's page, where its reservations are listed in serving order."""
    from aftercare.parts.models import Reservation

    if obligation.subject_id is None:
        return None
    rows = Reservation.objects.filter(pk=int(obligation.subject_id))
    part_id = rows.values_list("part_id", flat=True).first()
    return reverse("parts:part", args=[part_id]) if part_id is not None else None


class PartsConfig(AftercareApp):
    """Spare parts (BS-12): the catalogue, the stock ledger per store, reservations served
    covered owners first, and installations that give an item the part's own warranty."""

    name = "aftercare.parts"
    label = "parts"
    verbose_name = _("Spare parts")

    urls = (UrlMount("parts/", "aftercare.parts.urls"),)
    api_router = "aftercare.parts.api.router"
    menu = (MenuEntry("parts:list", _("Spare parts"), "parts.view_part", 26, BUILDING),)
    role_permissions = {
        Role.PARTS_CLERK: _STORE,
        Role.SUPERVISOR: _STORE,
        Role.ADMINISTRATOR: _STORE,
        Role.ENGINEER: _FIELD,
    }
    next_steps = {"BS-12": NextStep(_("Open the part"), _reservation_url)}
    title_messages = "aftercare.parts.texts.TITLES"
    ticket_resolved_listener = "aftercare.parts.actions.ticket_resolved"
    ticket_sections = ("aftercare.parts.sections.ticket_section",)
    part_codes = "aftercare.parts.sections.part_codes"
    demo_loader = "aftercare.parts.demo.load"
    demo_remover = "aftercare.parts.demo.remove"
