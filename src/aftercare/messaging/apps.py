from django.utils.translation import gettext_lazy as _

from aftercare.apps import MORE, SUPERVISION, AftercareApp, MenuEntry, TickStep, UrlMount
from aftercare.org.roles import Role

_OPT_OUT = ["messaging.add_optout"]  # a customer asks for no more e-mail or SMS
# Messages to customers: supervisors watch delivery and retry what failed.
_MESSAGES = ["messaging.view_message", "messaging.retry_message"]


class MessagingConfig(AftercareApp):
    name = "aftercare.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    urls = (UrlMount("messages/", "aftercare.messaging.urls"),)
    api_router = "aftercare.messaging.api.router"
    tick_steps = (TickStep("aftercare.messaging.tick.run", order=60),)
    menu = (
        MenuEntry("messaging:list", _("Messages"), "messaging.view_message", 60, SUPERVISION),
        MenuEntry("messaging:calendar", _("Calendar feed"), None, 20, MORE),
    )
    role_permissions = {
        Role.ADVISOR: _OPT_OUT,
        Role.FOLLOWUP_ADVISOR: _OPT_OUT,
        Role.SUPERVISOR: [*_OPT_OUT, *_MESSAGES],
        Role.ADMINISTRATOR: [*_OPT_OUT, *_MESSAGES],
    }
