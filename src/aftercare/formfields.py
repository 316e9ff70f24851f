"""Form fields shared by the pages: moments typed in the organisation's time zone."""

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from aftercare.errors import DomainError

LOCAL_MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class MomentField(forms.DateTimeField):
    """A datetime-local input read and shown in the organisation's time zone, not the server's."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format=LOCAL_MOMENT_FORMAT
    )

    def __init__(self, *args: Any, tz: tzinfo | None = None, **kwargs: Any) -> None:
        self.tz = tz
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(self.tz or timezone.get_current_timezone()):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.tz or timezone.get_current_timezone()):
            return super().prepare_value(value)


def local_now(tz: tzinfo) -> datetime:
    """Now in the organisation's time zone, to the minute: the default moment of a form."""
    return timezone.localtime(timezone.now(), tz).replace(second=0, microsecond=0)


def show_domain_error(
    form: forms.BaseForm,
    error: DomainError,
    aliases: dict[str, str] | None = None,
    rows: Sequence[forms.BaseForm] | None = None,
    rows_field: str = "raised_items",
) -> None:
    """Put a refused action's messages on the form.

    `phones.0` goes to the phones field, `raised_items.2.text` to row 2 of `rows`, a name in
    `aliases` to the form's own name for it (checked_in_at → moment), anything else on top.
    """
    aliases = aliases or {}
    form.add_error(None, str(error.message))
    for key, messages in error.fields.items():
        parts = key.split(".")
        if rows is not None and parts[0] == rows_field and len(parts) == 3:
            row = rows[int(parts[1])]
            for message in messages:
                row.add_error(parts[2] if parts[2] in row.fields else None, str(message))
            continue
        name = aliases.get(parts[0], parts[0])
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


def user_tz(user: object) -> ZoneInfo:
    """The organisation's time zone; the active one for staff without an organisation."""
    organisation = getattr(user, "organisation", None)
    if organisation is not None:
        tz: ZoneInfo = organisation.tz
        return tz
    current = timezone.get_current_timezone()
    assert isinstance(current, ZoneInfo), current  # Django 5 activates zoneinfo zones only
    return current
