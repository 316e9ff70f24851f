from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftercare.apps import SUPERVISION, AftercareApp, MenuEntry, NextStep, TickStep, UrlMount
from aftercare.org.roles import Role


def _review_url(obligation, user) -> str:
    """The review being written, or the list when tick has not drafted it yet."""
    if obligation.subject_id:
        return reverse("reviews:detail", args=[obligation.subject_id])
    return reverse("reviews:list")


class ReviewsConfig(AftercareApp):
    name = "aftercare.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    urls = (UrlMount("reviews/", "aftercare.reviews.urls"),)
    api_router = "aftercare.reviews.api.router"
    tick_steps = (TickStep("aftercare.reviews.tick.run", order=70),)
    menu = (
        MenuEntry("reviews:dashboard", _("Dashboard"), "reviews.view_review", 10, SUPERVISION),
        MenuEntry("reviews:list", _("Reviews"), "reviews.view_review", 30, SUPERVISION),
    )
    role_permissions = {
        Role.SUPERVISOR: [
            "reviews.view_review",
            "reviews.add_review",
            "reviews.change_review",
            "reviews.finalise_review",
        ],
        Role.ADMINISTRATOR: ["reviews.view_review"],
    }
    next_steps = {"DS-11": NextStep(_("Write the summary"), _review_url)}
