"""The staff roles of the standard, as Django groups with permissions.

Groups are named by their code so code and data agree; the label is translated for display.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Service advisor")
    FOLLOWUP_ADVISOR = "followup_advisor", _("Follow-up advisor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ENGINEER = "engineer", _("Field engineer")
    TRAINING_COORDINATOR = "training_coordinator", _("Training coordinator")
    PARTS_CLERK = "parts_clerk", _("Parts clerk")
    ADMINISTRATOR = "administrator", _("Administrator")


_DESK = [
    "obligations.view_obligation",
    "obligations.change_obligation",
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.view_vehicle",
    "customers.add_vehicle",
    "customers.change_vehicle",
    "messaging.add_optout",  # a customer asks for no more e-mail or SMS
    # Check-in, pick-up and consultations (DS-1, DS-2, DS-3).
    "workshop.view_repairorder",
    "workshop.add_repairorder",
    "workshop.change_repairorder",
    "workshop.add_consultation",
    # Next-service plans, calls and the call register (DS-2, DS-3, DS-6, DS-8).
    "followups.view_nextserviceplan",
    "followups.change_nextserviceplan",
    "followups.view_call",
    "followups.add_call",
    "followups.add_callamendment",
    # What customers raise in calls (DS-4, DS-5).
    "cases.view_raiseditem",
    "cases.add_raiseditem",
    "cases.change_raiseditem",
]
# Messages to customers: supervisors watch delivery and retry what failed.
_MESSAGES = ["messaging.view_message", "messaging.retry_message"]

# Workshop safety (DS-12, DS-13): the desk clears bins and inspects; supervisors keep the register.
_SAFETY_DESK = ["safety.view_place", "safety.add_clearance", "safety.add_inspection"]
_SAFETY_REGISTER = [
    *_SAFETY_DESK,
    "safety.add_place",
    "safety.change_place",
    "safety.add_ragbin",
    "safety.change_ragbin",
    "safety.add_equipment",
    "safety.change_equipment",
]

# Outreach (DS-7, DS-9): the desk phones targets and sends letters; supervisors plan campaigns.
_OUTREACH_DESK = [
    "outreach.view_campaign",
    "outreach.change_campaigntarget",  # attendance and replies
    "outreach.view_letter",
    "outreach.add_letter",
    "outreach.add_letteramendment",
]
_OUTREACH_PLAN = [*_OUTREACH_DESK, "outreach.add_campaign", "outreach.change_campaign"]

# Setting the shop up (issue 10): branches, staff and the service-item catalogue.
_SETUP = [
    "org.add_branch",
    "org.change_branch",
    "workshop.view_serviceitem",
    "workshop.add_serviceitem",
    "workshop.change_serviceitem",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADVISOR: [*_DESK, *_SAFETY_DESK, *_OUTREACH_DESK],
    Role.FOLLOWUP_ADVISOR: [*_DESK, *_SAFETY_DESK, *_OUTREACH_DESK],
    Role.SUPERVISOR: [
        *_DESK,
        "obligations.view_branch_obligations",
        "obligations.reassign_obligation",
        "obligations.cancel_obligation",
        "cases.solve_escalated",
        "paperwork.view_branch_exports",
        "org.view_user",
        "org.manage_branch_staff",
        "org.view_absence",
        "org.add_absence",
        "org.change_absence",
        "reviews.view_review",
        "reviews.add_review",
        "reviews.change_review",
        "reviews.finalise_review",
        *_SAFETY_REGISTER,
        *_MESSAGES,
        *_OUTREACH_PLAN,
    ],
    Role.ENGINEER: ["obligations.view_obligation", "obligations.change_obligation"],
    Role.TRAINING_COORDINATOR: ["obligations.view_obligation", "obligations.change_obligation"],
    Role.PARTS_CLERK: ["obligations.view_obligation"],
    Role.ADMINISTRATOR: [
        *_DESK,
        "obligations.view_branch_obligations",
        "obligations.view_all_obligations",
        "obligations.reassign_obligation",
        "obligations.cancel_obligation",
        "cases.solve_escalated",
        "paperwork.view_branch_exports",
        "org.act_in_any_branch",
        "org.manage_branch_staff",
        "org.view_user",
        "org.add_user",
        "org.change_user",
        "org.view_absence",
        "org.add_absence",
        "org.change_absence",
        "org.change_organisation",
        "standard.view_rulesetting",
        "standard.change_rulesetting",
        "standard.add_rulesetting",
        "standard.view_calendarday",
        "standard.add_calendarday",
        "standard.delete_calendarday",
        "reviews.view_review",
        *_SAFETY_REGISTER,
        *_MESSAGES,
        *_OUTREACH_PLAN,
        *_SETUP,
    ],
}


def sync_role_groups(sender=None, using="default", **kwargs) -> None:
    """Create one group per role and give it exactly the permissions listed above."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate is sent once per app; permissions of every app exist only after the last one.
    # (Apps without models.py get no signal, so look for the last one that has one.)
    last_app = [app for app in apps.get_app_configs() if app.models_module is not None][-1]
    if sender is not None and sender.label != last_app.label:
        return
    for role, perm_names in ROLE_PERMISSIONS.items():
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
