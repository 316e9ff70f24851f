"""Titles of the parts duties, worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    "part_needed": Message(
        _("Procure %(quantity)s × %(code)s %(name)s for hotline ticket %(number)s")
    ),
}
