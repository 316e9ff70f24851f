"""Titles of the maintenance duties, worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    # BS-9: the site, the plan's title and the visit's date (ISO).
    "maintenance_visit": Message(_("Maintenance visit at %(site)s on %(date)s (%(plan)s)")),
}
