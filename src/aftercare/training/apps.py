from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import BUILDING, AftercareApp, MenuEntry, NextStep, TickStep, UrlMount
from aftercare.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from aftercare.apps import ObligationRow

_READ = [
    "training.view_trainee",
    "training.view_trainingplan",
    "training.view_trainingsession",
    "training.view_assessment",
]
_MANAGE = [
    *_READ,
    "training.add_trainee",
    "training.change_trainee",
    "training.add_trainingplan",
    "training.change_trainingplan",
    "training.add_trainingsession",
    "training.add_assessment",
]


def _coverage_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-2: the site's coverage matrix."""
    from aftercare.training.models import CoverageGap

    if obligation.subject_id is None:
        return None
    rows = CoverageGap.objects.filter(pk=int(obligation.subject_id))
    site_id = rows.values_list("system__site_id", flat=True).first()
    return reverse("training:coverage", args=[site_id]) if site_id is not None else None


def _retraining_url(obligation: ObligationRow, user: AbstractBaseUser) -> str | None:
    """BS-11: the trainee who left (their qualifications, who replaces them)."""
    from aftercare.training.models import Retraining

    if obligation.subject_id is None:
        return None
    rows = Retraining.objects.filter(pk=int(obligation.subject_id))
    departed = rows.values_list("departed_id", flat=True).first()
    return reverse("training:trainee", args=[departed]) if departed is not None else None


class TrainingConfig(AftercareApp):
    """Owner training by track (BS-1, BS-2, BS-3, BS-11)."""

    name = "aftercare.training"
    label = "training"
    verbose_name = _("Owner training")

    urls = (UrlMount("training/", "aftercare.training.urls"),)
    api_router = "aftercare.training.api.router"
    # Before the obligations step (50), so a gap opened already overdue is claimed at once.
    tick_steps = (TickStep("aftercare.training.tick.run", order=30),)
    menu = (MenuEntry("training:list", _("Training"), "training.view_trainingplan", 28, BUILDING),)
    role_permissions = {
        Role.TRAINING_COORDINATOR: _MANAGE,
        Role.SUPERVISOR: _MANAGE,
        Role.ADMINISTRATOR: _MANAGE,
        Role.ENGINEER: _READ,
    }
    next_steps = {
        "BS-2": NextStep(_("Open the training coverage"), _coverage_url),
        "BS-11": NextStep(_("Open the trainee"), _retraining_url),
    }
    title_messages = "aftercare.training.texts.TITLES"
    agreement_kinds = {"training": "aftercare.training.agreement.KIND"}
    demo_loader = "aftercare.training.demo.load"
    demo_remover = "aftercare.training.demo.remove"
