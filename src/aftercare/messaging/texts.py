"""Title of the maintenance reminder duty (DS-2M), worded when shown (obligations/texts.py)."""

from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message

# Keys are stored with the obligations: never rename one.
TITLES = {"maintenance": Message(_("%(plate)s: maintenance due on %(date)s"))}
