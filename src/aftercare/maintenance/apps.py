from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = ["maintenance.view_maintenanceplan", "maintenance.view_maintenancevisit"]
_FIELD = [*_READ, "maintenance.change_maintenancevisit", "maintenance.record_visit"]
_MANAGE = [
    *_FIELD,
    "maintenance.add_maintenanceplan",
    "maintenance.change_maintenanceplan",
    "maintenance.view_checklisttemplate",
    "maintenance.change_checklisttemplate",
]


def _visit_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-9: the visit's phone page, where the checklist is done and signed."""
    if obligation.subject_id is None:
        return None
    return reverse("maintenance:visit", args=[int(obligation.subject_id)])


class MaintenanceConfig(AftercareApp):
    """Preventive maintenance agreed with the owner (BS-9): plans confirmed through the
    agreement workflow, their visits with checklists, results signed by the owner, defects
    reported to the hotline."""

    name = "aftercare.maintenance"
    label = "maintenance"
    verbose_name = _("Preventive maintenance")

    urls = (UrlMount("maintenance/", "aftercare.maintenance.urls"),)
    api_router = "aftercare.maintenance.api.router"
    menu = (
        MenuEntry("maintenance:list", _("Maintenance"), "maintenance.view_maintenanceplan", 27,
                  BUILDING),
    )  # fmt: skip
    role_permissions = {
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: _MANAGE,
        Role.ENGINEER: [*_FIELD, "maintenance.view_checklisttemplate"],
        Role.TRAINING_COORDINATOR: _READ,
        Role.PARTS_CLERK: _READ,
    }
    next_steps = {"BS-9": NextStep(_("Do the visit"), _visit_url)}
    title_messages = "aftercare.maintenance.texts.TITLES"
    ticket_sections = ("aftercare.maintenance.sections.ticket_section",)
    agreement_kinds = {"maintenance": "aftercare.maintenance.agreement.KIND"}
    demo_loader = "aftercare.maintenance.demo.load"
    demo_remover = "aftercare.maintenance.demo.remove"
