"""Form fields shared by the pages: moments typed in the organisation's time zone, and the
one date field of every page filter.

Both refuse years outside 2000 to 2100 (`moments.plausible_year`) with a form error, so a
hand-edited `?from=0001-01-01` or `9999-12-31` never reaches date arithmetic (which overflows
at the calendar's edges) or the database. Text fields need nothing extra for NUL characters:
Django's CharField already refuses them ("Null characters are not allowed."), on every
database alike.
"""

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from aftercare import moments
from aftercare.errors import DomainError, NotAllowed

LOCAL_MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
DATE_INPUT = {"type": "date", "class": "form-control"}


class FilterDateField(forms.DateField):
    """A local date of a page filter (`?from=`, `?to=`, `?start=`…): years 2000 to 2100.

    A view whose filter form is not valid shows the page with the form's errors, answers 400
    and computes nothing from the refused value (see `filter_status`).
    """

    widget = forms.DateInput(attrs=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not moments.plausible_year(value):
            raise forms.ValidationError(moments.DATE_OUT_OF_RANGE, code="out_of_range")


def filter_status(form: forms.Form) -> int:
    """The status of a page shown with its filter form: 400 when a date filter was refused.

    Other filters keep their old leniency (a branch a supervisor cannot choose is ignored).
    """
    if not form.is_bound or form.is_valid():
        return 200
    dates = [name for name, field in form.fields.items() if isinstance(field, FilterDateField)]
    refused = any(name in form.errors for name in dates) or form.non_field_errors()
    return 400 if refused else 200


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

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            problem = moments.moment_problem(value)
            if problem:
                raise forms.ValidationError(problem, code="out_of_range")

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


def refused_on_form(form: forms.BaseForm, error: DomainError, **aliases: str) -> int:
    """Put an action's refusal on the form that asked for it and answer the page's status
    (422, 409 …). A refusal of the person is not a form error: NotAllowed goes on to the 403
    page."""
    if isinstance(error, NotAllowed):
        raise error
    show_domain_error(form, error, aliases=aliases)
    return error.status
