"""Titles of the building-systems duties this app opens (BS-6), worded when shown."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    # BS-6, opened at acceptance (BS-5): the date is the last covered day, as ISO text.
    "bs6_offer": Message(
        _(
            "Offer a maintenance contract for %(system)s at %(site)s before the warranty ends"
            " on %(date)s"
        )
    ),
}
