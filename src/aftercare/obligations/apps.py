from django.utils.translation import gettext_lazy as _

from aftercare.apps import SUPERVISION, AftercareApp, MenuEntry, TickStep, UrlMount
from aftercare.org.roles import Role

# Everyone with a worklist sees and completes their own obligations.
_WORKLIST = ["obligations.view_obligation", "obligations.change_obligation"]
_SUPERVISE = [
    "obligations.view_branch_obligations",
    "obligations.reassign_obligation",
    "obligations.cancel_obligation",
]


class ObligationsConfig(AftercareApp):
    name = "aftercare.obligations"
    label = "obligations"
    verbose_name = _("Obligations")

    urls = (UrlMount("work/", "aftercare.obligations.urls"),)
    api_router = "aftercare.obligations.api.router"
    # Claims what fell overdue (including what earlier steps opened overdue) and notifies once.
    tick_steps = (TickStep("aftercare.obligations.tick.run", order=50),)
    menu = (
        MenuEntry("obligations:my-work", _("My work"), None, 10),
        MenuEntry(
            "obligations:list",
            _("Obligations"),
            "obligations.view_branch_obligations",
            20,
            SUPERVISION,
        ),
    )
    role_permissions = {
        Role.ADVISOR: _WORKLIST,
        Role.FOLLOWUP_ADVISOR: _WORKLIST,
        Role.SUPERVISOR: [*_WORKLIST, *_SUPERVISE],
        Role.ENGINEER: _WORKLIST,
        Role.TRAINING_COORDINATOR: _WORKLIST,
        Role.PARTS_CLERK: ["obligations.view_obligation"],
        Role.ADMINISTRATOR: [
            *_WORKLIST,
            "obligations.view_branch_obligations",
            "obligations.view_all_obligations",
            "obligations.reassign_obligation",
            "obligations.cancel_obligation",
        ],
    }
