"""Titles of the contract duties (BS-6), worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {
    # BS-6 renewal: opened when a contract is signed, due 60 days before it ends.
    "contract_renewal": Message(
        _("Offer the renewal of maintenance contract #%(contract)s (%(site)s, ends %(ends_on)s)")
    ),
}
