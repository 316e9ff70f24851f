"""The staff roles of the standard, as Django groups with permissions.

Groups are named by their code so code and data agree; the label is translated for display.
"""

from typing import Any

from django.apps import AppConfig
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.apps import role_permissions as declared_role_permissions


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Service advisor")
    FOLLOWUP_ADVISOR = "followup_advisor", _("Follow-up advisor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ENGINEER = "engineer", _("Field engineer")
    TRAINING_COORDINATOR = "training_coordinator", _("Training coordinator")
    PARTS_CLERK = "parts_clerk", _("Parts clerk")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Not staff: a building owner's representative, who signs in to the owner's portal and
    # sees only their own company's records (`User.customer`).
    OWNER = "owner", _("Owner's representative")


STAFF_ROLES = tuple(role for role in Role if role != Role.OWNER)
STAFF_ROLE_CODES = frozenset(role.value for role in STAFF_ROLES)


def role_permissions() -> dict[str, list[str]]:
    """Role code → permission names: the union of what every installed app grants the role.

    Each app declares the permissions of its own models in its ``AppConfig.role_permissions``
    (see ``aftercare.apps``), so a new app brings its rights along with it.
    """
    return declared_role_permissions()


def sync_role_groups(
    sender: AppConfig | None = None, using: str = "default", **kwargs: Any
) -> None:
    """Create one group per role and give it exactly the permissions the apps declare."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate is sent once per app; permissions of every app exist only after the last one.
    # (Apps without models.py get no signal, so look for the last one that has one.)
    last_app = [app for app in apps.get_app_configs() if app.models_module is not None][-1]
    if sender is not None and sender.label != last_app.label:
        return
    granted = role_permissions()
    for role in Role:
        perm_names = granted.get(role.value, [])
        group, _created = Group.objects.using(using).get_or_create(name=str(role.value))
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
