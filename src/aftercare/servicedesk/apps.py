from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, TickStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = ["servicedesk.view_ticket", "servicedesk.view_suspension"]
_FIELD = [*_READ, "servicedesk.add_ticket", "servicedesk.work_ticket"]
_MANAGE = [
    *_FIELD,
    "servicedesk.dispatch_ticket",
    "servicedesk.add_suspension",
    "servicedesk.view_hotlinesettings",
    "servicedesk.change_hotlinesettings",
]


def _ticket_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-7/BS-8: the engineer works the ticket on the phone page, others on the ticket page."""
    if obligation.subject_id is None:
        return None
    if getattr(user, "has_perm")("servicedesk.dispatch_ticket"):  # noqa: B009 (a staff User)
        return reverse("servicedesk:ticket", args=[obligation.subject_id])
    return reverse("servicedesk:field_ticket", args=[obligation.subject_id])


class ServicedeskConfig(AftercareApp):
    """The hotline: tickets, their clocks on service calendars, dispatch, the field page and
    the signed visit report, suspensions and emergency escalation (BS-7, BS-8, BS-13)."""

    name = "aftercare.servicedesk"
    label = "servicedesk"
    verbose_name = _("Hotline")

    urls = (UrlMount("hotline/", "aftercare.servicedesk.urls"),)
    api_router = "aftercare.servicedesk.api.router"
    # Before the obligations step (50): a breach is an ordinary overdue obligation.
    tick_steps = (TickStep("aftercare.servicedesk.tick.run", order=45),)
    menu = (
        MenuEntry("servicedesk:board", _("Hotline"), "servicedesk.view_ticket", 20, BUILDING),
        MenuEntry("servicedesk:field", _("My tickets"), "servicedesk.work_ticket", 22, BUILDING),
        MenuEntry(
            "servicedesk:suspensions",
            _("Suspensions"),
            "servicedesk.view_suspension",
            48,
            BUILDING,
        ),
    )
    role_permissions = {
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: _MANAGE,
        Role.ENGINEER: _FIELD,
        Role.TRAINING_COORDINATOR: _READ,
        Role.PARTS_CLERK: _READ,
    }
    next_steps = {
        "BS-7": NextStep(_("Open the ticket"), _ticket_url),
        "BS-8": NextStep(_("Open the ticket"), _ticket_url),
    }
    title_messages = "aftercare.servicedesk.texts.TITLES"
    calendar_listener = "aftercare.servicedesk.tasks.calendar_changed"
    demo_loader = "aftercare.servicedesk.demo.load"
    demo_remover = "aftercare.servicedesk.demo.remove"
