"""Corrections of archived records: the original stays, each amendment is a row beside it.

Used by every register whose lines can be corrected (calls DS-8, letters DS-9); the concrete
amendment models subclass ``records.models.Amendment``.
"""

from collections.abc import Collection
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from aftercare.errors import Errors

REASON_MAX_LENGTH = 300  # Amendment.reason's column


def check_amendment(field: str, reason: str, *, amendable: Collection[str], errors: Errors) -> None:
    """What every correction needs: an amendable field and a reason that fits the register."""
    if field not in amendable:
        errors.add("field", _("This field cannot be amended."))
    if not (reason or "").strip():
        errors.add("reason", _("Give a reason for the correction."))
    elif len(reason) > REASON_MAX_LENGTH:
        errors.add("reason", _("At most 300 characters."))


def amended_value(record: models.Model, field: str, amendments: models.QuerySet[Any]) -> Any:
    """The value as last amended, or as first recorded.

    `amendments` are the record's amendments in their model's order, oldest first.
    """
    last = amendments.filter(field=field).last()
    return last.new_value if last else getattr(record, field)
