"""Titles of the hotline's clocks, worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    "ticket_arrival": Message(_("Be on site for hotline ticket %(number)s (%(site)s)")),
    "ticket_fix": Message(_("Fix the fault of hotline ticket %(number)s (%(site)s)")),
}
