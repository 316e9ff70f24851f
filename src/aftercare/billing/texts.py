"""Titles of the billing duties, worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    "bill_review": Message(_("Review and issue the bill of hotline ticket %(number)s (%(site)s)")),
}
