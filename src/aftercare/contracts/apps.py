from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = ["contracts.view_contract", "contracts.view_servicecalendar"]
_MANAGE = [
    *_READ,
    "contracts.add_contract",
    "contracts.sign_contract",
    "contracts.add_servicecalendar",
]


def _offer_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-6: the new-contract page for the site of the system (or of the contract to renew)."""
    from aftercare.contracts.queries import site_of_subject

    site_id = site_of_subject(obligation)
    if site_id is None:
        return reverse("contracts:new")
    return f"{reverse('contracts:new')}?site={site_id}"


class ContractsConfig(AftercareApp):
    """Maintenance contracts and service calendars (BS-6), and coverage (BS-5, BS-6)."""

    name = "aftercare.contracts"
    label = "contracts"
    verbose_name = _("Maintenance contracts")

    urls = (UrlMount("contracts/", "aftercare.contracts.urls"),)
    api_router = "aftercare.contracts.api.router"
    menu = (
        MenuEntry("contracts:list", _("Contracts"), "contracts.view_contract", 40, BUILDING),
        MenuEntry(
            "contracts:calendars",
            _("Service calendars"),
            "contracts.view_servicecalendar",
            45,
            BUILDING,
        ),
    )
    role_permissions = {
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: _MANAGE,
        Role.ENGINEER: _READ,
        Role.TRAINING_COORDINATOR: _READ,
        Role.PARTS_CLERK: _READ,
    }
    next_steps = {"BS-6": NextStep(_("Offer a maintenance contract"), _offer_url)}
    title_messages = "aftercare.contracts.texts.TITLES"
    demo_loader = "aftercare.contracts.demo.load"
    demo_remover = "aftercare.contracts.demo.remove"
